import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectDependency, type ReadinessCheck } from '@fieldsync/platform';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { NATS_CONNECTION } from './messaging.constants';
import { checkNats, connectNats } from './nats.connection';
import { StreamProvisioner } from './stream.provisioner';
import type { StreamsConfig } from './streams.schema';

export interface NatsModuleOptions {
  /** Service name; the connection is named `<service>-<hostname>` on the server. */
  service: string;
  servers: string | string[];
  streams: StreamsConfig;
  /** Bound on connecting and provisioning at boot (FIELDSYNC_BOOT_TIMEOUT_MS). */
  bootTimeoutMs: number;
  /** Bound on draining at shutdown; default 5 s. */
  drainTimeoutMs?: number;
}

/**
 * The service's one NATS connection: opened at boot (bounded; unreachable is fatal and names `nats`),
 * the four streams brought in line with config (idempotent, and concurrent boots of several services
 * agree because they ask for the same config), drained at shutdown after the transports stopped.
 */
@Module({})
export class NatsModule implements OnApplicationShutdown {
  private static drainTimeoutMs = 5_000;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  static forRoot(options: NatsModuleOptions): DynamicModule {
    NatsModule.drainTimeoutMs = options.drainTimeoutMs ?? NatsModule.drainTimeoutMs;
    return {
      module: NatsModule,
      global: true,
      providers: [
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connectDependency(
              'nats',
              async () => {
                const nc = await connectNats({
                  servers: options.servers,
                  name: `${options.service}-${hostname()}`,
                  timeoutMs: options.bootTimeoutMs,
                });
                try {
                  await new StreamProvisioner(nc, options.streams).provisionOrThrow();
                } catch (error) {
                  await nc.close();
                  throw error;
                }
                return nc;
              },
              options.bootTimeoutMs,
            ),
        },
      ],
      exports: [NATS_CONNECTION],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.nc.drain(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, NatsModule.drainTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!this.nc.isClosed()) await this.nc.close();
  }
}

/** Readiness: the connection is open and the four streams of `prefix` exist. */
export function natsReadinessCheck(nc: NatsConnection, prefix: string, timeoutMs = 2_000): ReadinessCheck {
  return {
    name: 'nats',
    timeoutMs,
    check: async () => {
      const readiness = await checkNats(nc, { prefix }, { timeoutMs });
      if (!readiness.ok) throw new Error(readiness.error ?? 'NATS is not ready');
    },
  };
}
