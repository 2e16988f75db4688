import {
  eventSource,
  newEventId,
  operationalEventSchema,
  type EntityType,
  type OperationalEvent,
} from '@fieldsync/canonical-model';
import {
  VendorCallError,
  mapVendorRecord,
  type ConnectorReadSide,
  type ReadPage,
  type StreamReader,
  type SyncContext,
  type VendorRecord,
} from '@fieldsync/connector-kit';
import { OUTBOX_CHANNEL, toOutboxEntry } from '@fieldsync/infrastructure';
import { backoffDelayMs, sleep, type ConnectionRateLimiter } from '@fieldsync/platform';
import { eventSubject } from '@fieldsync/messaging';
import type { ChangeEventRepository, DB, NewChangeEvent } from '@fieldsync/persistence';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import {
  lockConnectionStore,
  type CanonicalStoreRepository,
  type MappedRecord,
  type StoreScope,
} from '@fieldsync/persistence';
import type { DriftIssue, DriftKind, DriftReportRepository } from '../store/drift-report.repository';
import { ENTITY_TABLES } from '@fieldsync/persistence';
import type { SessionSource, SourcedSession } from './session-source.types';
import type { ClaimedCursor, CursorKey, CursorState, SyncCursorRepository } from './sync-cursor.repository';
import { SyncError, SyncErrorCode } from './sync.error';
import type { SyncMetrics } from './sync.metrics';
import type { SyncOptions } from './sync-options.types';

export interface StreamSyncDeps {
  readonly db: Kysely<DB>;
  readonly cursors: SyncCursorRepository;
  readonly store: CanonicalStoreRepository;
  readonly drift: DriftReportRepository;
  readonly outbox: ChangeEventRepository;
  readonly readSides: ReadonlyMap<string, ConnectorReadSide>;
  readonly sessions: SessionSource;
  readonly limiter: ConnectionRateLimiter;
  readonly metrics: SyncMetrics;
  readonly options: SyncOptions;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface RunResult {
  readonly outcome: 'caught_up' | 'failed' | 'lease_lost' | 'stopped';
  readonly pages: number;
  readonly records: number;
  readonly error?: SyncError;
}

type DriftRecord = {
  readonly entity: EntityType;
  readonly externalId: string | null;
  readonly raw: unknown;
  readonly kind: DriftKind;
  readonly issues: readonly DriftIssue[];
};

interface PassProgress {
  readonly startedAt: number;
  records: number;
  total: number | null;
  /** When progress was last logged (info, at most every PROGRESS_LOG_MS). */
  loggedAt: number;
}

/** A backfill or reconciliation pass logs its progress at info level at most this often, and at its end. */
const PROGRESS_LOG_MS = 5_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one leased connection × stream until it catches up: reads pages with the connection's session
 * (rate limited; 429 waits for Retry-After, 5xx backs off with jitter, a 401 invalidates the session
 * and retries once), maps and validates each record (a record that does not fit is drift, quarantined,
 * the rest stored), and commits every page in one transaction: canonical upserts, change and drift
 * events in the outbox, the cursor advance, all under a check that this worker still owns the lease.
 *
 * Streams without delete signals are reconciled by full passes: a pass re-reads from the beginning,
 * stamps a new generation on every row it sees and, in the transaction of its last page only,
 * tombstones the rows of older generations. A pass cut short (crash, lease lost, failure) resumes from
 * its checkpoint and never deletes anything.
 */
export class StreamSyncService {
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(private readonly deps: StreamSyncDeps) {
    this.logger = deps.logger.child({ component: 'StreamSyncService' });
    this.now = deps.now ?? (() => new Date());
  }

  /** Runs the claimed cursor to completion and settles its lease (complete / fail); never throws. */
  async run(claim: ClaimedCursor, stop: AbortSignal): Promise<RunResult> {
    const { options, cursors, metrics } = this.deps;
    const key: CursorKey = { connectionId: claim.connectionId, stream: claim.stream };
    const log = this.logger.child({
      tenantId: claim.tenantId,
      connectionId: claim.connectionId,
      vendor: claim.vendor,
      stream: claim.stream,
    });
    const lease = new AbortController();
    const abort = AbortSignal.any([stop, lease.signal]);
    const heartbeat = setInterval(
      () => {
        cursors.renewLease(key, options.workerId, options.leaseMs).then(
          (held) => {
            if (!held) lease.abort(new SyncError(SyncErrorCode.LeaseLost, 'lease lost', true));
          },
          (error: unknown) => log.warn({ err: error }, 'lease renewal failed; will retry'),
        );
      },
      Math.max(50, Math.floor(options.leaseMs / 3)),
    );
    let pages = 0;
    let records = 0;
    try {
      const result = await this.runPages(claim, key, abort, log, (p, r) => {
        pages = p;
        records = r;
      });
      clearInterval(heartbeat);
      if (!(await cursors.complete(key, options.workerId))) {
        metrics.runEnded(claim.vendor, claim.stream, 'lease_lost');
        return { outcome: 'lease_lost', pages, records };
      }
      metrics.runEnded(claim.vendor, claim.stream, 'caught_up');
      log.info({ pages: result.pages, records: result.records, ms: result.ms }, 'stream caught up');
      return { outcome: 'caught_up', pages: result.pages, records: result.records };
    } catch (caught) {
      clearInterval(heartbeat);
      const error =
        caught instanceof SyncError
          ? caught
          : new SyncError(SyncErrorCode.Failed, describe(caught), true, { cause: caught });
      if (error.code === SyncErrorCode.LeaseLost || lease.signal.aborted) {
        metrics.runEnded(claim.vendor, claim.stream, 'lease_lost');
        log.warn({ pages, records }, 'lease lost; the stream is left to the worker holding it');
        return { outcome: 'lease_lost', pages, records, error };
      }
      if (stop.aborted) {
        await cursors.release(key, options.workerId).catch(() => undefined);
        metrics.runEnded(claim.vendor, claim.stream, 'stopped');
        return { outcome: 'stopped', pages, records };
      }
      const interval = claim.intervalSeconds * 1000;
      const retryInMs = backoffDelayMs(
        claim.consecutiveFailures + 1,
        Math.min(options.failureBackoffBaseMs, interval),
        Math.max(interval, Math.min(interval * 10, 3_600_000)),
        { jitter: 'full' },
      );
      await cursors
        .fail(key, options.workerId, `${error.code}: ${error.message}`, retryInMs)
        .catch((failError: unknown) => log.error({ err: failError }, 'could not record the failed run'));
      metrics.runEnded(claim.vendor, claim.stream, 'failed');
      log.warn({ code: error.code, err: error, pages, records, retryInMs }, 'stream run failed');
      return { outcome: 'failed', pages, records, error };
    }
  }

  private async runPages(
    claim: ClaimedCursor,
    key: CursorKey,
    signal: AbortSignal,
    log: Logger,
    progress: (pages: number, records: number) => void,
  ): Promise<{ pages: number; records: number; ms: number }> {
    const { readSides, options } = this.deps;
    const readSide = readSides.get(claim.vendor);
    const stream = readSide?.streams.find((s) => s.stream === claim.stream);
    if (!readSide || !stream) {
      throw new SyncError(
        SyncErrorCode.Failed,
        `no reader for ${claim.vendor} stream ${claim.stream} (removed from the connector?)`,
        false,
      );
    }
    let state: CursorState = claim.state;
    let generation = claim.generation;
    const now = this.now();
    const reconciledAt = state.reconciledAt === null ? null : Date.parse(state.reconciledAt);
    const driftRetriedAt = state.driftFrom && Date.parse(state.driftRetriedAt ?? state.driftFrom.at);
    if (
      !stream.signalsDeletes &&
      !state.pass &&
      (reconciledAt === null || now.getTime() - reconciledAt >= options.reconcileIntervalMs)
    ) {
      // A full pass reads every record again, the quarantined ones included.
      state = { ...state, checkpoint: null, pass: true, passBlind: false, driftFrom: null };
      generation += 1;
      log.info({ generation }, 'full reconciliation pass starts');
    } else if (
      state.driftFrom &&
      !state.pass &&
      now.getTime() - (driftRetriedAt ?? 0) >= options.driftRetryMs
    ) {
      // The vendor sends a record that drifted only once unless it changes again: read the stretch
      // since the first drifted page again. Unchanged records hash equal and write nothing.
      log.info(
        { driftSince: state.driftFrom.at },
        'reading again from the checkpoint before the first drifted page',
      );
      state = {
        ...state,
        checkpoint: state.driftFrom.checkpoint,
        driftFrom: null,
        driftRetriedAt: now.toISOString(),
      };
    }
    const pass: PassProgress | null =
      state.pass || state.checkpoint === null
        ? { startedAt: Date.now(), records: 0, total: null, loggedAt: Date.now() }
        : null;
    const started = Date.now();
    let session = await this.acquire(claim.connectionId);
    let pages = 0;
    let records = 0;
    for (;;) {
      const ctx: Omit<SyncContext, 'session'> = {
        tenantId: claim.tenantId,
        connectionId: claim.connectionId,
        vendor: claim.vendor,
        logger: log,
        signal,
        now: this.now,
      };
      const read = await this.readWithRetry(stream, ctx, state.checkpoint, session, signal);
      session = read.session;
      const page = read.page;
      const { mapped, drifted } = this.mapPage(readSide, claim, page.records);
      const passCompleted = state.pass && page.caughtUp;
      // A pass that met a drifted record without an id cannot tell what it did not see: no tombstones.
      const passBlind = state.pass && (state.passBlind || drifted.some((d) => d.externalId === null));
      const nextState: CursorState = {
        checkpoint: page.checkpoint,
        pass: state.pass && !page.caughtUp,
        reconciledAt: passCompleted ? this.now().toISOString() : state.reconciledAt,
        driftFrom:
          drifted.length > 0 && state.driftFrom === null
            ? { checkpoint: state.checkpoint, at: this.now().toISOString() }
            : state.driftFrom,
        driftRetriedAt: state.driftRetriedAt,
        passBlind: passBlind && !passCompleted,
      };
      if (passCompleted && passBlind) {
        log.warn('reconciliation pass met drift without record ids: nothing is tombstoned this time');
      }
      const committed = await this.commitPage(claim, key, stream, readSide, mapped, drifted, {
        state: nextState,
        generation,
        records: page.records.length,
        tombstone: passCompleted && !passBlind,
      });
      state = nextState;
      pages += 1;
      records += page.records.length;
      progress(pages, records);
      if (pass) this.reportPass(claim, pass, page, log);
      log.debug(
        { page: pages, records: page.records.length, ...committed, caughtUp: page.caughtUp },
        'page stored',
      );
      if (page.caughtUp) return { pages, records, ms: Date.now() - started };
    }
  }

  private reportPass(claim: ClaimedCursor, pass: PassProgress, page: ReadPage, log: Logger): void {
    pass.records += page.records.length;
    if (page.total !== undefined) pass.total = page.total;
    const seconds = Math.max(0.001, (Date.now() - pass.startedAt) / 1000);
    const rate = pass.records / seconds;
    const etaSeconds = page.caughtUp
      ? 0
      : pass.total !== null && rate > 0
        ? Math.max(0, (pass.total - pass.records) / rate)
        : null;
    this.deps.metrics.passProgress(claim.connectionId, claim.stream, {
      records: pass.records,
      rate,
      etaSeconds,
    });
    const now = Date.now();
    if (page.caughtUp || now - pass.loggedAt >= PROGRESS_LOG_MS) {
      pass.loggedAt = now;
      log.info(
        {
          records: pass.records,
          total: pass.total,
          rate: Math.round(rate * 10) / 10,
          etaSeconds: etaSeconds === null ? null : Math.ceil(etaSeconds),
          done: page.caughtUp,
        },
        page.caughtUp ? 'pass complete' : 'pass progress',
      );
    }
  }

  private async acquire(connectionId: string): Promise<SourcedSession> {
    try {
      return await this.deps.sessions.acquire(connectionId);
    } catch (error) {
      throw new SyncError(
        SyncErrorCode.SessionUnavailable,
        `no session for ${connectionId}: ${describe(error)}`,
        true,
        { cause: error },
      );
    }
  }

  private async readWithRetry(
    stream: StreamReader,
    ctx: Omit<SyncContext, 'session'>,
    checkpoint: string | null,
    initial: SourcedSession,
    signal: AbortSignal,
  ): Promise<{ page: ReadPage; session: SourcedSession }> {
    const { limiter, options, metrics, sessions } = this.deps;
    let session = initial;
    let attempts = 0;
    let reauthenticated = false;
    for (;;) {
      await limiter.take(ctx.connectionId, signal);
      try {
        const page = await stream.readPage({ ...ctx, session: session.session }, checkpoint);
        return { page, session };
      } catch (error) {
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
        if (!(error instanceof VendorCallError)) {
          throw new SyncError(
            SyncErrorCode.Failed,
            `reader ${stream.stream} failed: ${describe(error)}`,
            true,
            {
              cause: error,
            },
          );
        }
        const failure = error.failure;
        metrics.retried(ctx.vendor, failure.kind);
        if (failure.kind === 'unauthorized') {
          if (reauthenticated) {
            throw new SyncError(
              SyncErrorCode.Unauthorized,
              `the vendor rejected a fresh session too (HTTP ${failure.status})`,
              true,
              { cause: error },
            );
          }
          reauthenticated = true;
          ctx.logger.info(
            { status: failure.status },
            'vendor rejected the session; invalidating and retrying once',
          );
          await sessions.invalidate(ctx.connectionId, 'unauthorized', session.sessionVersion);
          session = await this.acquire(ctx.connectionId);
          continue;
        }
        attempts += 1;
        if (attempts >= options.maxAttempts) {
          throw new SyncError(
            SyncErrorCode.VendorUnavailable,
            `${failure.kind} after ${attempts} attempts: ${error.message}`,
            true,
            { cause: error },
          );
        }
        if (failure.kind === 'rate_limited') {
          if (failure.retryAfterMs > options.maxRetryAfterMs) {
            throw new SyncError(
              SyncErrorCode.VendorUnavailable,
              `rate limited for ${failure.retryAfterMs} ms (more than ${options.maxRetryAfterMs})`,
              true,
              { cause: error },
            );
          }
          limiter.pause(ctx.connectionId, failure.retryAfterMs);
          ctx.logger.debug({ retryAfterMs: failure.retryAfterMs, attempts }, 'rate limited; waiting');
        } else {
          const delay = backoffDelayMs(attempts, options.retryBaseMs, options.retryMaxMs, { jitter: 'full' });
          ctx.logger.debug({ status: failure.status, attempts, delay }, 'vendor unavailable; backing off');
          await sleep(delay, signal);
        }
      }
    }
  }

  /**
   * For each entity of the page that another stream reconciles (its owner: Jobber's properties stream
   * for the locations the clients stream also yields), the owner's current generation: rows are
   * stamped in the owner's count, so the owner's pass in progress sees them as seen and a later pass
   * of the owner can still find them gone. Generations of different streams are unrelated numbers.
   */
  private async ownerGenerations(
    trx: Transaction<DB>,
    claim: ClaimedCursor,
    readSide: ConnectorReadSide,
    stream: StreamReader,
    mapped: readonly MappedRecord[],
    drifted: readonly DriftRecord[],
  ): Promise<Map<EntityType, number>> {
    const out = new Map<EntityType, number>();
    const entities = new Set<EntityType>([...mapped.map((r) => r.entity), ...drifted.map((r) => r.entity)]);
    for (const entity of entities) {
      const owner = readSide.streams.find(
        (s) => !s.signalsDeletes && (s.reconciles ?? s.entities).includes(entity),
      );
      if (!owner || owner.stream === stream.stream) continue;
      const row = await trx
        .selectFrom('sync_cursors')
        .select('sync_generation')
        .where('connection_id', '=', claim.connectionId)
        .where('entity_type', '=', owner.stream)
        .executeTakeFirst();
      out.set(entity, Number(row?.sync_generation ?? 0));
    }
    return out;
  }

  /** Maps and validates a page's records (outside any transaction): stored ones and drift. */
  private mapPage(
    readSide: ConnectorReadSide,
    claim: ClaimedCursor,
    vendorRecords: readonly VendorRecord[],
  ): { mapped: MappedRecord[]; drifted: DriftRecord[] } {
    const mapped: MappedRecord[] = [];
    const drifted: DriftRecord[] = [];
    for (const record of vendorRecords) {
      if (record.kind === 'drift') {
        drifted.push({ ...record, kind: 'wire_schema' });
        continue;
      }
      const result = this.map(readSide, claim, record);
      if ('issues' in result) drifted.push(result);
      else mapped.push(result);
    }
    return { mapped, drifted };
  }

  /** Stores one mapped page in one transaction. */
  private async commitPage(
    claim: ClaimedCursor,
    key: CursorKey,
    stream: StreamReader,
    readSide: ConnectorReadSide,
    mapped: readonly MappedRecord[],
    drifted: readonly DriftRecord[],
    next: { state: CursorState; generation: number; records: number; tombstone: boolean },
  ): Promise<{
    created: number;
    updated: number;
    deleted: number;
    unchanged: number;
    drift: number;
    events: number;
  }> {
    const { db, cursors, store, drift, outbox, options, metrics } = this.deps;
    const now = this.now();
    const outcome = await db.transaction().execute(async (trx) => {
      const held = await cursors.advance(trx, key, options.workerId, {
        state: next.state,
        generation: next.generation,
        records: next.records,
        leaseMs: options.leaseMs,
      });
      if (!held) throw new SyncError(SyncErrorCode.LeaseLost, 'lease lost before the page committed', true);
      // One page writer per connection at a time: before-images and sequences stay consistent when
      // two streams of one connection yield the same entity.
      await lockConnectionStore(trx, claim.connectionId);
      const scope: StoreScope = {
        tenantId: claim.tenantId,
        connectionId: claim.connectionId,
        vendor: claim.vendor,
        generation: next.generation,
        generationOf: await this.ownerGenerations(trx, claim, readSide, stream, mapped, drifted),
        now,
      };
      const stored = await store.upsertPage(trx, scope, mapped);
      const events: NewChangeEvent[] = stored.events.map((event) => toOutboxEntry(claim.tenantId, event));
      // A quarantined record is still there at the vendor: a pass must not take it for gone.
      await store.markSeen(trx, scope, drifted);
      if (next.tombstone) {
        for (const entity of stream.reconciles ?? stream.entities) {
          if (!ENTITY_TABLES[entity]) continue;
          const tombstones = await store.tombstoneUnseen(trx, scope, entity);
          events.push(...tombstones.map((event) => toOutboxEntry(claim.tenantId, event)));
        }
      }
      for (const item of drifted) {
        const report = await drift.record(trx, {
          tenantId: claim.tenantId,
          connectionId: claim.connectionId,
          vendor: claim.vendor,
          ...item,
        });
        if (report.firstSeen) events.push(this.driftEvent(claim, item, report.reportId, now));
      }
      await outbox.appendEvents(trx, claim.tenantId, claim.connectionId, events);
      if (events.length > 0)
        await sql`select pg_notify(${OUTBOX_CHANNEL}, ${claim.connectionId})`.execute(trx);
      return { ...stored, drift: drifted.length, events: events.length };
    });
    metrics.recordsStored(claim.vendor, claim.stream, outcome);
    metrics.pageCommitted(claim.vendor, claim.stream, outcome.events);
    return {
      created: outcome.created,
      updated: outcome.updated,
      deleted: outcome.deleted,
      unchanged: outcome.unchanged,
      drift: outcome.drift,
      events: outcome.events,
    };
  }

  /** Record → validated canonical object, or the drift that stops it. */
  private map(
    readSide: ConnectorReadSide,
    claim: ClaimedCursor,
    record: Extract<VendorRecord, { kind: 'record' }>,
  ): MappedRecord | DriftRecord {
    const driftOf = (issues: DriftIssue[]): DriftRecord => ({
      entity: record.entity,
      externalId: record.externalId,
      raw: record.raw,
      kind: 'mapping',
      issues,
    });
    if (!ENTITY_TABLES[record.entity]) {
      return driftOf([
        { path: 'entity', code: 'no_table', message: `entity ${record.entity} has no canonical-store table` },
      ]);
    }
    const mapped = mapVendorRecord(readSide.mapper, record, {
      tenantId: claim.tenantId,
      connectionId: claim.connectionId,
    });
    if (!mapped.ok) return driftOf(mapped.issues);
    return {
      entity: record.entity,
      externalId: record.externalId,
      object: mapped.object,
      raw: record.raw,
      deleted: record.deleted,
    };
  }

  private driftEvent(claim: ClaimedCursor, item: DriftRecord, reportId: string, now: Date): NewChangeEvent {
    const event: OperationalEvent = operationalEventSchema.parse({
      specversion: '1.0',
      id: newEventId(),
      source: eventSource(claim.vendor, claim.connectionId),
      type: 'connector.drift_detected',
      subject: claim.connectionId,
      time: now.toISOString(),
      datacontenttype: 'application/json',
      tenantid: claim.tenantId,
      connectionid: claim.connectionId,
      vendor: claim.vendor,
      data: {
        connectionId: claim.connectionId,
        entity: item.entity,
        externalId: item.externalId,
        reportId,
        issues: (item.issues.length > 0
          ? item.issues
          : [{ path: '', code: 'unknown', message: 'the reader reported no issue' }]
        )
          .slice(0, 50)
          .map((issue) => ({
            path: issue.path.slice(0, 500),
            code: issue.code.slice(0, 100),
            message: issue.message.slice(0, 1000),
          })),
        detectedAt: now.toISOString(),
      },
    });
    return {
      id: event.id,
      subject: eventSubject({
        tenantId: claim.tenantId,
        vendor: claim.vendor,
        entity: 'connector',
        action: 'drift_detected',
      }),
      type: event.type,
      entityType: 'connector',
      entityId: claim.connectionId,
      payload: event,
    };
  }
}
