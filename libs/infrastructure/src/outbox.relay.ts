import { JetStreamPublisher, NATS_CONNECTION } from '@fieldsync/messaging';
import {
  ChangeEventRepository,
  DATABASE,
  OUTBOX_CHANNEL,
  type ChangeEventRow,
  type DB,
} from '@fieldsync/persistence';
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
  /**
   * Acked batches the running relay may have waiting for their marks while it publishes the next (default
   * 4); 1: one batch at a time, nothing overlapped (claim, publish, await the acks, mark).
   */
  window?: number;
}

/**
 * Acked events waiting to be marked published: one mark runs at a time, and what is acked meanwhile joins
 * the next. The first failed mark is kept and rethrown by `atMost` (no mark starts after it).
 */
class Marker {
  private waiting: string[] = [];
  private inMark: readonly string[] = [];
  private running: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(private readonly mark: (ids: readonly string[]) => Promise<void>) {}

  /** Ids acked and not yet marked (the claims leave them out). */
  unmarked(): readonly string[] {
    return [...this.inMark, ...this.waiting];
  }

  add(ids: readonly string[]): void {
    this.waiting.push(...ids);
    this.start();
  }

  /** Waits until at most `count` ids are unmarked; rethrows a failed mark. */
  async atMost(count: number): Promise<void> {
    while (this.running && this.inMark.length + this.waiting.length > count) await this.running;
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once no mark runs (after a failure or a stop). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private start(): void {
    if (this.running || this.failure || this.waiting.length === 0) return;
    const ids = this.waiting;
    this.waiting = [];
    this.inMark = ids;
    this.running = this.mark(ids)
      .catch((error: unknown) => {
        this.failure ??= { error };
        // Still unmarked: kept out of the claims until the pump ends.
        this.waiting = [...ids, ...this.waiting];
      })
      .finally(() => {
        this.running = undefined;
        this.inMark = [];
        this.start();
      });
  }
}

const RELAY_LOCK = 'fieldsync.outbox-relay';

/**
 * The one relay (DESIGN "State"): publishes the outbox (`change_events` rows with no `published_at`,
 * connection-scoped and tenant-scoped alike) to FSM_EVENTS in per-scope sequence order, `Nats-Msg-Id` =
 * event id, and stamps them published once JetStream acked them. One relay at a time across replicas, so
 * order holds; the others stand by.
 *
 * The running relay is the leader while its own connection holds the session-level advisory lock (the
 * connection that LISTENs; if it drops, the lock goes with it and another replica takes over). It overlaps
 * Postgres and JetStream (see `pump`): while one batch's acks drain, Postgres reads the next batch (the
 * unpublished rows in position order, less those not yet marked) and marks the batches before it. Publishes
 * go out in order on one NATS connection, so JetStream stores them in order, and a batch goes out only
 * once the one before it is wholly acked, so after a failed publish nothing later is on the stream: the
 * pump ends, backs off and reads the failed batch again first (JetStream's duplicate window drops what it
 * already stored, by msg id). An event is delayed, never dropped, and never overtakes an earlier event of
 * its connection that failed.
 *
 * `relayOnce()` is the one-batch form in one transaction (its lock transaction-scoped: it never runs
 * beside a leader), for tests and tools that drain the outbox step by step.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly publisher: JetStreamPublisher;
  private readonly published: Counter<'outcome'>;
  private running = false;
  private loop: Promise<void> | undefined;
  private listener: Client | undefined;
  /** Whether `listener` holds the relay's session-level advisory lock. */
  private leading = false;

  /** Whether this relay leads (its connection holds the relay lock): the others stand by. */
  get isLeader(): boolean {
    return this.leading;
  }
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
    // Ending the connection releases the leader's lock.
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
      await this.publishAll(rows);
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
      try {
        if (await this.lead()) await this.pump();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.published.inc({ outcome: 'failed' });
        this.logger.warn({ err: error, failures }, 'outbox relay batch failed; will retry');
      }
      if (!this.running) break;
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

  /**
   * Whether this relay leads: its connection holds the session-level lock, taken now if free. Without a
   * connection (it failed or dropped) one is opened first; none at all means no relaying until one opens.
   */
  private async lead(): Promise<boolean> {
    if (!this.listener) await this.listen();
    const client = this.listener;
    if (!client) return false;
    if (this.leading) return true;
    const result = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock(hashtext($1)) as locked',
      [RELAY_LOCK],
    );
    this.leading = result.rows[0]?.locked === true;
    if (this.leading) this.logger.log('outbox relay leading');
    return this.leading;
  }

  /**
   * Relays until the outbox is empty, the relay stops, or it no longer leads. One batch publishes at a
   * time; around it Postgres reads the next batch and marks the ones before:
   *
   *   Postgres:  … mark N-1, claim N+1 │ mark N, claim N+2 │ …
   *   JetStream: publish N, acks drain  │ publish N+1, …    │ …
   *
   * Batch N+1 goes out only once every ack of batch N came back, so when a publish fails nothing behind
   * it is on the stream yet: the claimed batch is dropped, the pump ends, and the next pump reads the
   * failed batch again first (JetStream's duplicate window drops what of it was stored). A later event of
   * a connection can therefore never overtake an earlier one that failed. A batch is marked once all its
   * acks came back, by one UPDATE at a time: batches acked while a mark runs join the next one (marks of
   * one table at once contend on the same index pages). A failed mark ends the pump too (its batches are
   * published again, and deduplicated). At most `window` − 1 batches wait to be marked; with `window` 1
   * nothing overlaps (claim, publish, await the acks, mark, then the next claim).
   */
  private async pump(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const window = Math.max(1, this.options.window ?? 4);
    const overlap = window > 1;
    const marks = new Marker((ids) => this.markBatch(ids));
    /** The batch publishing now. */
    let publishing: readonly string[] = [];
    const claim = (): Promise<ChangeEventRow[]> =>
      this.outbox.listUnpublishedExcept(this.db, batchSize, [...marks.unmarked(), ...publishing]);
    let claimed: Promise<ChangeEventRow[]> | undefined;
    try {
      while (this.running && this.leading) {
        const rows = await (claimed ?? claim());
        claimed = undefined;
        if (rows.length === 0) break;
        publishing = rows.map((r) => r.id);
        const acks = this.publishAll(rows);
        if (overlap) {
          // Postgres does one thing at a time: the previous batch's mark, then this claim (a claim beside a
          // running mark reads the rows being marked and throws them away: 5× slower, profiled).
          claimed = marks.atMost(0).then(claim);
          // Awaited next turn, or dropped in `finally` after a failure; never an unhandled rejection.
          claimed.catch(() => undefined);
        }
        await acks;
        marks.add(publishing);
        publishing = [];
        await marks.atMost(overlap ? (window - 1) * batchSize : 0);
      }
      await marks.atMost(0);
    } finally {
      // After a failure (or a stop): the mark in progress finishes; a claimed batch is dropped, unpublished.
      await Promise.allSettled([marks.settled(), claimed]);
    }
  }

  private async markBatch(ids: readonly string[]): Promise<void> {
    await this.outbox.markPublished(this.db, ids);
    this.published.inc({ outcome: 'published' }, ids.length);
  }

  /**
   * Publishes rows in order on one connection and resolves once every ack is in. The stored text is the
   * event's wire form (see ChangeEventRepository.appendEvents), sent as is; the outbox id is the
   * `Nats-Msg-Id`, so a batch sent again after a crash is deduplicated by the stream.
   */
  private publishAll(rows: readonly ChangeEventRow[]): Promise<unknown[]> {
    return Promise.all(
      rows.map((row) =>
        this.publisher.publish(row.subject, Buffer.from(row.payload, 'utf8'), {
          msgId: row.id,
          tenantId: row.tenant_id,
          ...(row.connection_id === null ? {} : { connectionId: row.connection_id }),
          expectStream: 'events',
        }),
      ),
    );
  }

  private async listen(): Promise<void> {
    try {
      const client = new Client({
        connectionString: this.options.databaseUrl,
        application_name: 'outbox-relay',
        keepAlive: true,
      });
      client.on('error', (error) => {
        this.logger.warn({ err: error }, 'outbox relay connection lost; no longer leading, polling');
        if (this.listener === client) {
          this.listener = undefined;
          this.leading = false;
        }
        client.end().catch(() => undefined);
      });
      client.on('notification', () => this.wake?.());
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay connection unavailable; will retry');
    }
  }
}
