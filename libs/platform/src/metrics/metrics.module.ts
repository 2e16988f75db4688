import { DynamicModule, Module } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { MetricsController } from './metrics.controller';
import { METRICS_REGISTRY } from './metrics.constants';

/** A registry of the service's own (not prom-client's global one), labelled `service="<name>"`. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * `GET /metrics` and the `METRICS_REGISTRY` injectable (global: any module can register its
 * counters and histograms on it).
 */
@Module({})
export class MetricsModule {
  static forRoot(options: { service: string; registry?: Registry }): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        {
          provide: METRICS_REGISTRY,
          useFactory: () => options.registry ?? createMetricsRegistry(options.service),
        },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
