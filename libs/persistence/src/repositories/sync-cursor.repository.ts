import type { Vendor } from '@fieldsync/canonical-model';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../generated/db.types';
import { DATABASE } from '../persistence.constants';

/** Connections in these states are synced (`needs_attention` and `disabled` wait for an operator). */
export const SYNCED_CONNECTION_STATUSES = ['active', 'pending'] as const;

/**
 * `sync_cursors.cursor`: the reader's opaque checkpoint plus the reconciliation state of streams
 * without delete signals. `pass` is set while a full pass (generation `sync_generation`) is under way;
 * `reconciledAt` is when the last one completed.
 */
export const cursorStateSchema = z.object({
  checkpoint: z.string().nullable(),
  pass: z.boolean().default(false),
  reconciledAt: z.string().nullable().default(null),
  /**
   * Records were quarantined as drift: the checkpoint the first such page was read from, and when.
   * The stream reads again from there (every EXTRACTOR_DRIFT_RETRY) until they fit, because the
   * vendor sends an unchanged record only once.
   */
  driftFrom: z.object({ checkpoint: z.string().nullable(), at: z.string() }).nullable().default(null),
  /** When the last re-read from `driftFrom` started. */
  driftRetriedAt: z.string().nullable().default(null),
  /** The reconciliation pass in progress met drift without an id: it must not tombstone anything. */
  passBlind: z.boolean().default(false),
  /**
   * During a reconciliation pass (`checkpoint` is then the pass's position): the incremental checkpoint,
   * kept apart so that changes since it keep being read while the pass runs. Null outside a pass, in a
   * backfill (nothing read yet), and in a pass begun before this field existed (only the pass reads).
   */
  incremental: z.object({ checkpoint: z.string().nullable() }).nullable().default(null),
  /**
   * When the pass in progress, or the last one, began: the claim's time in the database's clock, the
   * clock `reconcile_requested_at` is in. A request is answered by a pass that began at or after it.
   */
  passStartedAt: z.string().nullable().default(null),
});
export type CursorState = z.infer<typeof cursorStateSchema>;

export interface StreamInterval {
  readonly stream: string;
  readonly intervalSeconds: number;
}

/** A cursor this worker leased. */
export interface ClaimedCursor {
  readonly connectionId: string;
  readonly tenantId: string;
  readonly vendor: Vendor;
  readonly stream: string;
  readonly state: CursorState;
  readonly generation: number;
  readonly intervalSeconds: number;
  readonly consecutiveFailures: number;
  /** When the claim was made, in the database's clock. */
  readonly claimedAt: string;
  /** The latest request for a reconciliation pass (`requestReconciliation`), in the database's clock. */
  readonly reconcileRequestedAt: string | null;
  /** This claim's lease: every write of the run checks it (a later claim of the stream has another). */
  readonly lease: StreamLease;
}

export interface CursorKey {
  readonly connectionId: string;
  readonly stream: string;
}

/** Who holds a stream's lease: the worker, and the claim's own token. */
export interface StreamLease {
  readonly owner: string;
  readonly token: string;
}

/**
 * `sync_cursors`: one row per connection × stream (the `entity_type` column holds the stream name),
 * with checkpoint, interval, next run, lease and outcome. Leases: a worker claims a due row with
 * `FOR UPDATE SKIP LOCKED` and stamps owner + expiry; every write of a run checks it still owns an
 * unexpired lease, so a worker whose lease ran out can no longer commit anything.
 */
@Injectable()
export class SyncCursorRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  /** Creates the missing cursors of every synced connection of `vendor` and keeps intervals in line with config. */
  async ensureCursors(vendor: Vendor, streams: readonly StreamInterval[]): Promise<number> {
    if (streams.length === 0) return 0;
    const values = sql.join(streams.map((s) => sql`(${s.stream}::text, ${s.intervalSeconds}::integer)`));
    const result = await sql`
      insert into sync_cursors (connection_id, entity_type, tenant_id, interval_seconds)
      select c.id, s.stream, c.tenant_id, s.interval_seconds
      from connections c cross join (values ${values}) as s (stream, interval_seconds)
      where c.vendor = ${vendor} and c.status in (${sql.join([...SYNCED_CONNECTION_STATUSES])})
      on conflict (connection_id, entity_type) do update set interval_seconds = excluded.interval_seconds,
        next_run_at = least(sync_cursors.next_run_at, now() + make_interval(secs => excluded.interval_seconds)),
        updated_at = now()
      where sync_cursors.interval_seconds <> excluded.interval_seconds`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  /**
   * Leases the most overdue cursor of a synced connection of one of `vendors`, skipping rows another
   * worker is claiming, rows under an unexpired lease, connections in `busy` (this worker's
   * per-connection bound is reached) and connections with `perConnection` unexpired leases already.
   */
  async claimNext(p: {
    owner: string;
    leaseMs: number;
    vendors: readonly Vendor[];
    busy: readonly string[];
    perConnection: number;
  }): Promise<ClaimedCursor | undefined> {
    if (p.vendors.length === 0) return undefined;
    const token = randomUUID();
    const result = await sql<{
      connection_id: string;
      tenant_id: string;
      vendor: Vendor;
      entity_type: string;
      cursor: unknown;
      sync_generation: string;
      interval_seconds: number;
      consecutive_failures: number;
      claimed_at: Date;
      reconcile_requested_at: Date | null;
    }>`
      with due as (
        select sc.connection_id, sc.entity_type, c.vendor
        from sync_cursors sc
        join connections c on c.id = sc.connection_id and c.tenant_id = sc.tenant_id
        where c.status in (${sql.join([...SYNCED_CONNECTION_STATUSES])})
          and c.vendor in (${sql.join([...p.vendors])})
          and sc.next_run_at <= now()
          and (sc.lease_expires_at is null or sc.lease_expires_at < now())
          and not (sc.connection_id = any(${[...p.busy]}::text[]))
          and (select count(*) from sync_cursors other
               where other.connection_id = sc.connection_id and other.lease_expires_at >= now()) < ${p.perConnection}
        order by sc.next_run_at, sc.connection_id, sc.entity_type
        limit 1
        for update of sc skip locked
      )
      update sync_cursors s
      set lease_owner = ${p.owner}, lease_token = ${token},
          lease_expires_at = now() + make_interval(secs => ${p.leaseMs / 1000}),
          last_run_at = now(), updated_at = now()
      from due
      where s.connection_id = due.connection_id and s.entity_type = due.entity_type
      returning s.connection_id, s.tenant_id, due.vendor, s.entity_type, s.cursor, s.sync_generation,
        s.interval_seconds, s.consecutive_failures, now() as claimed_at, s.reconcile_requested_at`.execute(
      this.db,
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      connectionId: row.connection_id,
      tenantId: row.tenant_id,
      vendor: row.vendor,
      stream: row.entity_type,
      state: parseCursorState(row.cursor),
      generation: Number(row.sync_generation),
      intervalSeconds: row.interval_seconds,
      consecutiveFailures: row.consecutive_failures,
      claimedAt: new Date(row.claimed_at).toISOString(),
      reconcileRequestedAt:
        row.reconcile_requested_at === null ? null : new Date(row.reconcile_requested_at).toISOString(),
      lease: { owner: p.owner, token },
    };
  }

  /** Extends the lease; false when it is no longer ours (expired and taken, or released). */
  async renewLease(key: CursorKey, lease: StreamLease, leaseMs: number): Promise<boolean> {
    const result = await sql`
      update sync_cursors set lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000})
      where connection_id = ${key.connectionId} and entity_type = ${key.stream}
        and lease_owner = ${lease.owner} and lease_token = ${lease.token} and lease_expires_at >= now()`.execute(
      this.db,
    );
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  /**
   * In a page's transaction: persists the checkpoint state and generation, extends the lease and
   * counts the records, only while this worker holds an unexpired lease. Locks the cursor row until the
   * transaction ends. Returns false when the lease is lost (the caller rolls the page back).
   */
  async advance(
    trx: Transaction<DB>,
    key: CursorKey,
    lease: StreamLease,
    p: { state: CursorState; generation: number; records: number; leaseMs: number },
  ): Promise<boolean> {
    const result = await sql`
      update sync_cursors
      set cursor = ${JSON.stringify(p.state)}::jsonb, sync_generation = ${p.generation},
          records_synced = records_synced + ${p.records},
          lease_expires_at = greatest(lease_expires_at, clock_timestamp() + make_interval(secs => ${p.leaseMs / 1000})),
          updated_at = now()
      where connection_id = ${key.connectionId} and entity_type = ${key.stream}
        and lease_owner = ${lease.owner} and lease_token = ${lease.token}
        and lease_expires_at >= clock_timestamp()`.execute(trx);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  /** The run caught up: release the lease, schedule the next run after the interval. */
  async complete(key: CursorKey, lease: StreamLease): Promise<boolean> {
    const result = await sql`
      update sync_cursors
      set lease_owner = null, lease_token = null, lease_expires_at = null, last_success_at = now(), consecutive_failures = 0,
          last_error = null, next_run_at = now() + make_interval(secs => interval_seconds), updated_at = now()
      where connection_id = ${key.connectionId} and entity_type = ${key.stream}
        and lease_owner = ${lease.owner} and lease_token = ${lease.token}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  /** The run failed: release the lease, record the error, retry after `retryInMs`. */
  async fail(key: CursorKey, lease: StreamLease, error: string, retryInMs: number): Promise<boolean> {
    const result = await sql`
      update sync_cursors
      set lease_owner = null, lease_token = null, lease_expires_at = null, last_error = ${error.slice(0, 2000)},
          last_error_at = now(), consecutive_failures = consecutive_failures + 1,
          next_run_at = now() + make_interval(secs => ${retryInMs / 1000}), updated_at = now()
      where connection_id = ${key.connectionId} and entity_type = ${key.stream}
        and lease_owner = ${lease.owner} and lease_token = ${lease.token}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  /**
   * In a page's transaction: the current reconciliation generation of each of the connection's
   * `streams` (0 for a stream that has not run), by stream name.
   */
  async generations(
    trx: Transaction<DB>,
    connectionId: string,
    streams: readonly string[],
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>(streams.map((s) => [s, 0]));
    if (streams.length === 0) return out;
    const rows = await trx
      .selectFrom('sync_cursors')
      .select(['entity_type', 'sync_generation'])
      .where('connection_id', '=', connectionId)
      .where('entity_type', 'in', [...streams])
      .execute();
    for (const row of rows) out.set(row.entity_type, Number(row.sync_generation));
    return out;
  }

  /**
   * One generation ahead of every stream of the connection: what a row written outside any pass (a
   * writer's command) is stamped with, so that a reconciliation pass that began before the write, and so
   * could not see it, never takes the row for deleted.
   */
  async generationAhead(trx: Transaction<DB>, connectionId: string): Promise<number> {
    const row = await trx
      .selectFrom('sync_cursors')
      .select(sql<string>`coalesce(max(sync_generation), 0) + 1`.as('next'))
      .where('connection_id', '=', connectionId)
      .executeTakeFirstOrThrow();
    return Number(row.next);
  }

  /**
   * Asks for a reconciliation pass of the connection's `streams` now, rather than after the reconcile
   * interval: stamps the request and brings an idle stream's next run forward (a stream mid-run begins
   * the pass at its next run, after the pass in progress if one is). Returns the streams stamped, with
   * the request's time; a stream without a cursor yet (its first run is a full pass anyway) is not.
   */
  async requestReconciliation(
    connectionId: string,
    streams: readonly string[],
  ): Promise<{ stream: string; requestedAt: string }[]> {
    if (streams.length === 0) return [];
    const result = await sql<{ entity_type: string; reconcile_requested_at: Date }>`
      update sync_cursors
      set reconcile_requested_at = now(), next_run_at = least(next_run_at, now()), updated_at = now()
      where connection_id = ${connectionId} and entity_type = any(${[...streams]}::text[])
      returning entity_type, reconcile_requested_at`.execute(this.db);
    return result.rows
      .map((r) => ({ stream: r.entity_type, requestedAt: new Date(r.reconcile_requested_at).toISOString() }))
      .sort((a, b) => a.stream.localeCompare(b.stream));
  }

  /** Every stream's sync state for one connection, by stream name (for the operators' API). */
  async statusOf(connectionId: string): Promise<StreamSyncStatus[]> {
    return (await this.statusOfConnections([connectionId])).get(connectionId) ?? [];
  }

  /** The same for several connections in one query, by connection id (each list by stream name). */
  async statusOfConnections(connectionIds: readonly string[]): Promise<Map<string, StreamSyncStatus[]>> {
    const out = new Map<string, StreamSyncStatus[]>(connectionIds.map((id) => [id, []]));
    if (connectionIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('sync_cursors')
      .select([
        'connection_id',
        'entity_type',
        'cursor',
        'sync_generation',
        'records_synced',
        'last_run_at',
        'last_success_at',
        'last_error',
        'last_error_at',
        'consecutive_failures',
        'next_run_at',
        'lease_expires_at',
        'reconcile_requested_at',
      ])
      .where('connection_id', 'in', [...connectionIds])
      .orderBy('connection_id')
      .orderBy('entity_type')
      .execute();
    const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
    for (const row of rows) {
      const state = parseCursorState(row.cursor);
      const requestedAt = iso(row.reconcile_requested_at);
      out.get(row.connection_id)?.push({
        stream: row.entity_type,
        running: row.lease_expires_at !== null && new Date(row.lease_expires_at).getTime() >= Date.now(),
        recordsSynced: Number(row.records_synced),
        lastRunAt: iso(row.last_run_at),
        lastSuccessAt: iso(row.last_success_at),
        lastError: row.last_error,
        lastErrorAt: iso(row.last_error_at),
        consecutiveFailures: row.consecutive_failures,
        nextRunAt: iso(row.next_run_at),
        reconciliation: {
          generation: Number(row.sync_generation),
          inProgress: state.pass,
          startedAt: state.passStartedAt,
          completedAt: state.reconciledAt,
          requestedAt,
          requestPending: requestedAt !== null && !reconciliationAnswers(state, requestedAt),
        },
      });
    }
    return out;
  }

  /** Shutdown: hand the stream back at once (its checkpoint is whatever the last committed page left). */
  async release(key: CursorKey, lease: StreamLease): Promise<void> {
    await sql`
      update sync_cursors set lease_owner = null, lease_token = null, lease_expires_at = null, next_run_at = now(), updated_at = now()
      where connection_id = ${key.connectionId} and entity_type = ${key.stream}
        and lease_owner = ${lease.owner} and lease_token = ${lease.token}`.execute(this.db);
  }
}

/** One stream's sync state as the operators' API shows it. */
export interface StreamSyncStatus {
  readonly stream: string;
  /** A worker holds the stream's lease now. */
  readonly running: boolean;
  readonly recordsSynced: number;
  readonly lastRunAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly consecutiveFailures: number;
  readonly nextRunAt: string | null;
  readonly reconciliation: {
    readonly generation: number;
    readonly inProgress: boolean;
    readonly startedAt: string | null;
    readonly completedAt: string | null;
    readonly requestedAt: string | null;
    /** A request is waiting for a pass that began after it to complete. */
    readonly requestPending: boolean;
  };
}

/**
 * Whether the cursor's reconciliation state answers a request made at `requestedAt`: a pass that began
 * at or after the request has completed.
 */
export function reconciliationAnswers(state: CursorState, requestedAt: string): boolean {
  return (
    !state.pass &&
    state.reconciledAt !== null &&
    state.passStartedAt !== null &&
    Date.parse(state.passStartedAt) >= Date.parse(requestedAt)
  );
}

/**
 * Whether a request made at `requestedAt` still wants a pass to begin: none began at or after it (a pass
 * in progress that began before it does not answer it; the next one will).
 */
export function reconciliationRequested(state: CursorState, requestedAt: string | null): boolean {
  return (
    requestedAt !== null &&
    (state.passStartedAt === null || Date.parse(state.passStartedAt) < Date.parse(requestedAt))
  );
}

/** A stored cursor; null (never run) is a fresh stream. */
export function parseCursorState(value: unknown): CursorState {
  if (value === null || value === undefined) return cursorStateSchema.parse({ checkpoint: null });
  const parsed = cursorStateSchema.safeParse(value);
  if (!parsed.success) {
    throw new TypeError(
      `sync_cursors.cursor is not a cursor state: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsed.data;
}
