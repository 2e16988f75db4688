import { DynamicModule, INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { loadConfig, type Env } from '../config/config.loader';
import type { BaseConfig } from '../config/env.schema';
import { READINESS_CHECKS } from '../health/health.constants';
import type { ReadinessCheck } from '../health/readiness.types';
import { runChecks } from '../health/run-checks.util';
import { createLogger } from '../logging/logger.factory';
import { LoggerModule } from '../logging/logger.module';
import { MetricsModule } from '../metrics/metrics.module';
import { dependenciesBeingConnected } from './connect-dependency.util';
import { DependencyUnavailableError } from './dependency.error';

export type BootConfig = BaseConfig & { PORT?: number; HOST?: string };

export interface BootstrapOptions<S extends z.ZodType<BootConfig>> {
  /** Service name: the `service` field of every log line and label of every metric. */
  name: string;
  /** The service's zod env schema, composed from the platform fragments. */
  config: S;
  /** The root module, built from the parsed config. */
  module: (config: z.output<S>) => DynamicModule | Type<unknown>;
  /** `true`: Fastify HTTP server on PORT/HOST (default). `false`: application context (pure consumer). */
  http?: boolean;
  /** Options of the Fastify server (request ids, body limit ...) for an http service. */
  fastify?: ConstructorParameters<typeof FastifyAdapter>[0];
  /**
   * Transports connected to the HTTP app (e.g. JetStreamServer for `@EventPattern` handlers).
   * Called after the startup checks pass; closed first at shutdown (stop pulling, drain).
   */
  microservices?: (context: {
    app: INestApplicationContext;
    config: z.output<S>;
    logger: Logger;
  }) => CustomTransportStrategy[];
  /** Default `process.env`. */
  env?: Env;
}

export interface RunningService<C> {
  app: INestApplicationContext;
  config: C;
  logger: Logger;
  /** Graceful stop (also what SIGTERM/SIGINT do, followed by process.exit). */
  shutdown(reason: string): Promise<void>;
}

@Module({})
class ServiceRootModule {}

function fail(logger: Logger, message: string, details: Record<string, unknown>): never {
  logger.fatal(details, message);
  process.exit(1);
}

/**
 * Boots a fieldsync service the way CONVENTIONS.md "Every service boots the same way" says:
 * env parsed first (bad config: every variable named, exit 1); Nest created with buffered logs,
 * then the pino logger; startup checks of every dependency (the readiness checks) bounded by
 * FIELDSYNC_BOOT_TIMEOUT_MS (unreachable: logged by name, exit 1); unhandled rejections and
 * uncaught exceptions fatal; SIGTERM/SIGINT graceful, bounded by FIELDSYNC_SHUTDOWN_TIMEOUT_MS.
 */
export async function bootstrapService<S extends z.ZodType<BootConfig>>(
  options: BootstrapOptions<S>,
): Promise<RunningService<z.output<S>>> {
  const config = loadConfig(options.config, options.env ?? process.env, options.name);
  const logger = createLogger({
    level: config.LOG_LEVEL,
    name: options.name,
    pretty: config.LOG_FORMAT === 'pretty',
  });
  const http = options.http ?? true;

  process.on('unhandledRejection', (reason) => fail(logger, 'unhandled promise rejection', { err: reason }));
  process.on('uncaughtException', (error) => fail(logger, 'uncaught exception', { err: error }));

  const bootTimeoutMs = config.FIELDSYNC_BOOT_TIMEOUT_MS;
  const bootStarted = Date.now();
  logger.info({ bootTimeoutMs, pid: process.pid }, 'starting');
  let phase = 'creating the application (connecting to dependencies)';
  const bootTimer = setTimeout(() => {
    const waitingFor = dependenciesBeingConnected();
    const what = waitingFor.length > 0 ? `connecting to ${waitingFor.join(', ')}` : phase;
    fail(logger, `cannot start: boot did not complete within ${bootTimeoutMs}ms while ${what}`, {
      phase,
      waitingFor,
      bootTimeoutMs,
    });
  }, bootTimeoutMs);

  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      LoggerModule.forRoot(logger),
      MetricsModule.forRoot({ service: options.name }),
      options.module(config),
    ],
  };

  let app: INestApplicationContext;
  try {
    app = http
      ? await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(options.fastify), {
          bufferLogs: true,
          autoFlushLogs: false,
          abortOnError: false,
        })
      : await NestFactory.createApplicationContext(root, {
          bufferLogs: true,
          autoFlushLogs: false,
          abortOnError: false,
        });
  } catch (error) {
    if (error instanceof DependencyUnavailableError) {
      fail(logger, `cannot start: ${error.message}`, { dependency: error.dependency, err: error.cause });
    }
    fail(logger, 'cannot start: application creation failed', { err: error });
  }
  // Nest's buffered startup lines go out through pino; on a failed create they are dropped instead
  // of reaching the console logger (autoFlushLogs: false), and the fatal line above says why.
  app.useLogger(app.get(NestPinoLogger));
  app.flushLogs();

  const strategies: CustomTransportStrategy[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      for (const strategy of strategies) await strategy.close();
      await app.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  const closeAndExit = async (reason: string, code: number): Promise<void> => {
    const timer = setTimeout(
      () =>
        fail(logger, `shutdown did not complete within ${config.FIELDSYNC_SHUTDOWN_TIMEOUT_MS}ms`, {
          reason,
        }),
      config.FIELDSYNC_SHUTDOWN_TIMEOUT_MS,
    );
    try {
      await shutdown(reason);
    } catch (error) {
      clearTimeout(timer);
      fail(logger, 'shutdown failed', { err: error, reason });
    }
    clearTimeout(timer);
    process.exit(code);
  };

  // Startup checks: the readiness checks must all pass before we consume or serve.
  const checks = getOptional<ReadinessCheck[]>(app, READINESS_CHECKS) ?? [];
  if (checks.length > 0) {
    phase = `checking ${checks.map((c) => c.name).join(', ')}`;
    const remaining = Math.max(1, bootTimeoutMs - (Date.now() - bootStarted));
    const report = await runChecks(checks, remaining);
    const down = Object.entries(report.checks).filter(([, o]) => o.status === 'down');
    if (down.length > 0) {
      const names = down.map(([name, o]) => `${name} (${o.error ?? 'down'})`).join(', ');
      logger.fatal({ checks: report.checks }, `cannot start: dependency unavailable: ${names}`);
      await closeAndExit('startup check failed', 1);
    }
  }

  try {
    await startServing(app, options, config, logger, strategies, (p) => (phase = p));
  } catch (error) {
    logger.fatal({ err: error, phase }, `cannot start: failed while ${phase}`);
    await closeAndExit('start failed', 1);
  }

  clearTimeout(bootTimer);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void closeAndExit(signal, 0));
  }
  logger.info({ port: config.PORT, bootMs: Date.now() - bootStarted }, `${options.name} started`);
  return { app, config, logger, shutdown };
}

async function startServing<S extends z.ZodType<BootConfig>>(
  app: INestApplicationContext,
  options: BootstrapOptions<S>,
  config: z.output<S>,
  logger: Logger,
  strategies: CustomTransportStrategy[],
  enter: (phase: string) => void,
): Promise<void> {
  const http = options.http ?? true;
  enter('starting transports');
  if (options.microservices) {
    if (!http) throw new Error('bootstrapService: microservices need http: true (connectMicroservice)');
    const fastifyApp = app as NestFastifyApplication;
    for (const strategy of options.microservices({ app, config, logger })) {
      strategies.push(strategy);
      fastifyApp.connectMicroservice({ strategy }, { inheritAppConfig: true });
    }
    await fastifyApp.startAllMicroservices();
  }

  if (http) {
    enter('opening the HTTP listener');
    const { PORT, HOST } = config;
    if (PORT === undefined)
      throw new Error('bootstrapService: an http service needs PORT in its config schema');
    await (app as NestFastifyApplication).listen(PORT, HOST ?? '0.0.0.0');
  }
}

function getOptional<T>(app: INestApplicationContext, token: symbol): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}
