import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { z } from 'zod';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { MFA_CHANNELS, MFA_NOTIFY_CHANNEL } from './mfa.constants';
import type { MfaChannel } from './mfa.types';

/** After a failed connect, the next attempt waits this long (the waiters poll meanwhile). */
const RECONNECT_BACKOFF_MS = 5_000;
/** A connect that hangs must not hold a waiting login's first look for its code for long. */
const CONNECT_TIMEOUT_MS = 5_000;

const payloadSchema = z.object({ channel: z.enum(MFA_CHANNELS), destination: z.string() });

const keyOf = (channel: MfaChannel, destination: string): string => `${channel}\u0000${destination}`;

/**
 * One `LISTEN mfa_messages` connection per process (a pooled Kysely connection cannot hold a LISTEN),
 * opened when the first login waits for a code and kept until shutdown. It wakes the waiters of the
 * notified destination; when it is down the waiters still find their code by polling, and the next wait
 * reconnects it.
 */
@Injectable()
export class MfaNotificationListener implements OnModuleDestroy {
  private readonly logger = new Logger(MfaNotificationListener.name);
  private readonly subscribers = new Map<string, Set<() => void>>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryAfter = 0;
  private stopped = false;

  constructor(@Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig) {}

  /** True while the LISTEN is active. */
  get listening(): boolean {
    return this.client !== undefined && this.connecting === undefined;
  }

  /**
   * Makes sure the LISTEN is active (connects on first use, reconnects after a failure). Never throws:
   * a failure is logged and the waiters poll.
   */
  async ensureListening(): Promise<void> {
    if (this.stopped || (this.client && !this.connecting)) return;
    if (!this.connecting && Date.now() >= this.retryAfter) this.connecting = this.connect();
    await this.connecting;
  }

  /** Calls `onMessage` whenever a message to `destination` on `channel` is stored; returns the unsubscribe. */
  subscribe(channel: MfaChannel, destination: string, onMessage: () => void): () => void {
    const key = keyOf(channel, destination);
    let set = this.subscribers.get(key);
    if (!set) {
      set = new Set();
      this.subscribers.set(key, set);
    }
    set.add(onMessage);
    return () => {
      set.delete(onMessage);
      if (set.size === 0 && this.subscribers.get(key) === set) this.subscribers.delete(key);
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'session-manager-mfa-listener',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => this.drop(client, error));
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${MFA_NOTIFY_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.logger.log('listening for stored MFA messages');
    } catch (error) {
      this.retryAfter = Date.now() + RECONNECT_BACKOFF_MS;
      this.logger.warn(
        { err: error },
        `cannot LISTEN for MFA messages (waiting logins poll every ${this.config.FIELDSYNC_MFA_POLL_INTERVAL} ms); retrying after ${RECONNECT_BACKOFF_MS} ms`,
      );
      await client.end().catch(() => undefined);
    } finally {
      this.connecting = undefined;
    }
  }

  private drop(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.stopped) return;
    this.logger.warn(
      error ? { err: error } : {},
      'the MFA notification connection closed; waiting logins poll until the next wait reconnects it',
    );
    void client.end().catch(() => undefined);
  }

  private dispatch(payload: string | undefined): void {
    let parsed: z.infer<typeof payloadSchema>;
    try {
      parsed = payloadSchema.parse(JSON.parse(payload ?? ''));
    } catch {
      this.logger.warn('ignored a malformed mfa_messages notification');
      return;
    }
    for (const wake of this.subscribers.get(keyOf(parsed.channel, parsed.destination)) ?? []) wake();
  }
}
