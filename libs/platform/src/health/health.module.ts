import { DynamicModule, Module, type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { HealthController } from './health.controller';
import { READINESS_CHECKS } from './health.constants';
import type { ReadinessCheck } from './readiness.types';

export interface HealthModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...deps: never[]) => ReadinessCheck[] | Promise<ReadinessCheck[]>;
}

/**
 * `/health/live` and `/health/ready`. The same checks are the startup checks of bootstrapService,
 * so "ready" and "allowed to boot" mean the same thing.
 */
@Module({})
export class HealthModule {
  static forRoot(options: { checks: ReadinessCheck[] }): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: READINESS_CHECKS, useValue: options.checks }],
      exports: [READINESS_CHECKS],
    };
  }

  /** Checks that need injected dependencies (the Kysely instance, the NATS connection). */
  static forRootAsync(options: HealthModuleAsyncOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          inject: options.inject ?? [],
          useFactory: options.useFactory as (
            ...deps: unknown[]
          ) => ReadinessCheck[] | Promise<ReadinessCheck[]>,
        },
      ],
      exports: [READINESS_CHECKS],
    };
  }
}
