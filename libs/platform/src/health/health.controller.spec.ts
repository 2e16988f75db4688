import { HttpStatus } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { HealthModule } from './health.module';
import type { ReadinessCheck } from './readiness.types';

async function serve(checks: ReadinessCheck[]): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [HealthModule.forRoot({ checks })] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const up = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });

describe('HealthController', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('GET /health/live answers 200 whatever the dependencies do', async () => {
    app = await serve([{ name: 'postgres', check: () => Promise.reject(new Error('down')) }]);
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(HttpStatus.OK);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /health/ready answers 200 with every check up and its latency', async () => {
    app = await serve([up('postgres'), up('nats')]);
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(HttpStatus.OK);
    const body = res.json<{
      status: string;
      checks: Record<string, { status: string; latencyMs: number }>;
    }>();
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual(['nats', 'postgres']);
    expect(body.checks['postgres']).toEqual({ status: 'up', latencyMs: expect.any(Number) as number });
  });

  it('GET /health/ready answers 503 naming the failing check and its error', async () => {
    app = await serve([
      up('postgres'),
      { name: 'nats', check: () => Promise.reject(new Error('missing streams: FSM_EVENTS')) },
    ]);
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(res.json()).toMatchObject({
      status: 'error',
      checks: {
        postgres: { status: 'up' },
        nats: { status: 'down', error: 'missing streams: FSM_EVENTS' },
      },
    });
  });

  it('bounds a hanging check by its timeout and reports it down', async () => {
    app = await serve([
      up('postgres'),
      { name: 'nats', check: () => new Promise<void>(() => undefined), timeoutMs: 150 },
    ]);
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(res.statusCode).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(res.json()).toMatchObject({
      checks: { nats: { status: 'down', error: 'timed out after 150ms' } },
    });
  });

  it('reports a check that throws synchronously as down instead of failing the request', async () => {
    app = await serve([
      {
        name: 'postgres',
        check: () => {
          throw new Error('pool destroyed');
        },
      },
    ]);
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(res.json()).toMatchObject({ checks: { postgres: { status: 'down', error: 'pool destroyed' } } });
  });
});
