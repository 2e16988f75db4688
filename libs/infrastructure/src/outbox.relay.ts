import { JetStreamPublisher, NATS_CONNECTION } from '@fieldsync/messaging';
import { ChangeEventRepository, DATABASE, OUTBOX_CHANNEL, type DB } from '@fieldsync/persistence';
import { METRICS_REGISTRY } from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { Client } from 'pg';
import { Counter, type Registry } from 'prom-client';
import { OUTBOX_RELAY_OPTIONS } from './outbox.constants';

export interface OutboxRelayOptions {
  /** Where to LISTEN for new events (a dedicated connection; the pool serves the work). */
  databaseUrl: string;
  /** FIELDSYNC_STREAM_PREFIX. */
  prefix: string;
  /** Events per transaction (default 500). */
  batchSize?: number;
  /** Poll interval when no NOTIFY arrives (default 1 s): the fallback that never lets an event sit. */
  pollIntervalMs?: number;
}

const RELAY_LOCK = 'fieldsync.outbox-relay';

/**
 * The one relay (DESIGN "State"): publishes the outbox (`change_events` rows with no `published_at`,
 * connection-scoped and tenant-scoped alike) to FSM_EVENTS in per-scope sequence order, `Nats-Msg-Id` = event id, and stamps them published in the same transaction.
 * One relay at a time across replicas (a transaction-scoped advisory lock), so order holds; the
 * others stand by. A JetStream outage rolls the batch back and the loop retries with backoff: an
 * event is delayed, never dropped; a batch republished after a crash is dropped by JetStream's
 * duplicate window (same msg id).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly publisher: JetStreamPublisher;
  private readonly published: Counter<'outcome'>;
  private running = false;
  private loop: Promise<void> | undefined;
  private listener: Client | undefined;
  private wake: (() => void) | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(OUTBOX_RELAY_OPTIONS) private readonly options: OutboxRelayOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly outbox: ChangeEventRepository,
  ) {
    this.publisher = new JetStreamPublisher({ nc, prefix: options.prefix });
    this.published =
      (registry.getSingleMetric('fsm_outbox_events_total') as Counter<'outcome'> | undefined) ??
      new Counter({
        name: 'fsm_outbox_events_total',
        help: 'Outbox events relayed to FSM_EVENTS (outcome published) or whose batch failed (outcome failed)',
        labelNames: ['outcome'],
        registers: [registry],
      });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.running = true;
    await this.listen();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** One batch: returns how many events it published (0 when idle or another replica relays). */
  async relayOnce(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    return this.db.transaction().execute(async (trx) => {
      const locked = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(hashtext(${RELAY_LOCK})) as locked`.execute(trx);
      if (!locked.rows[0]?.locked) return 0;
      const rows = await this.outbox.listUnpublished(trx, batchSize);
      if (rows.length === 0) return 0;
      // Publishes go out in order on one connection; their acks are awaited together.
      await Promise.all(
        rows.map((row) =>
          // The stored text is the event's wire form (see ChangeEventRepository.appendEvents): sent as is.
          this.publisher.publish(row.subject, Buffer.from(row.payload, 'utf8'), {
            msgId: row.id,
            tenantId: row.tenant_id,
            ...(row.connection_id === null ? {} : { connectionId: row.connection_id }),
            expectStream: 'events',
          }),
        ),
      );
      await this.outbox.markPublished(
        trx,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 1_000;
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.relayOnce();
        if (published > 0) this.published.inc({ outcome: 'published' }, published);
        failures = 0;
      } catch (error) {
        failures += 1;
        this.published.inc({ outcome: 'failed' });
        this.logger.warn({ err: error, failures }, 'outbox relay batch failed; will retry');
      }
      if (!this.running) break;
      if (published >= (this.options.batchSize ?? 500)) continue;
      const backoff = failures === 0 ? poll : Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async listen(): Promise<void> {
    try {
      const client = new Client({
        connectionString: this.options.databaseUrl,
        application_name: 'outbox-relay',
      });
      client.on('error', (error) =>
        this.logger.warn({ err: error }, 'outbox LISTEN connection lost; polling'),
      );
      client.on('notification', () => this.wake?.());
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox LISTEN unavailable; polling only');
    }
  }
}
