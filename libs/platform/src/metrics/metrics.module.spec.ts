import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.constants';
import { MetricsModule } from './metrics.module';

describe('MetricsModule', () => {
  it('serves the registry, with process metrics and the service label, and lets others register', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule.forRoot({ service: 'writer' })],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      const registry = app.get<Registry>(METRICS_REGISTRY);
      new Counter({ name: 'fsm_spec_total', help: 'spec', registers: [registry] }).inc(3);
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain('process_cpu_user_seconds_total{service="writer"}');
      expect(res.body).toContain('fsm_spec_total{service="writer"} 3');
    } finally {
      await app.close();
    }
  });
});
