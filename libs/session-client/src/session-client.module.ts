import { connectDependency } from '@fieldsync/platform';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SESSION_CLIENT } from './session-client.constants';
import { SessionClient, type SessionClientOptions } from './session.client';

export interface SessionClientModuleOptions extends SessionClientOptions {
  /** Bound on connecting at boot (FIELDSYNC_BOOT_TIMEOUT_MS); unreachable NATS is fatal and names `nats`. */
  bootTimeoutMs?: number;
}

/**
 * The extractor's and the writer's SessionClient, connected at boot and closed at shutdown:
 *
 *   SessionClientModule.forRoot({ service: 'extractor', servers: config.NATS_URL,
 *     prefix: config.FIELDSYNC_STREAM_PREFIX, bootTimeoutMs: config.FIELDSYNC_BOOT_TIMEOUT_MS })
 *
 * then `@Inject(SESSION_CLIENT) private readonly sessions: SessionClient`.
 */
@Module({})
export class SessionClientModule implements OnApplicationShutdown {
  constructor(@Inject(SESSION_CLIENT) private readonly client: SessionClient) {}

  static forRoot(options: SessionClientModuleOptions): DynamicModule {
    const { bootTimeoutMs = 15_000, ...clientOptions } = options;
    return {
      module: SessionClientModule,
      global: true,
      providers: [
        {
          provide: SESSION_CLIENT,
          useFactory: async (): Promise<SessionClient> => {
            const client = new SessionClient({
              connectTimeoutMs: bootTimeoutMs,
              ...clientOptions,
            });
            try {
              await connectDependency('nats', () => client.connect(), bootTimeoutMs);
            } catch (error) {
              await client.close().catch(() => undefined);
              throw error;
            }
            return client;
          },
        },
      ],
      exports: [SESSION_CLIENT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
