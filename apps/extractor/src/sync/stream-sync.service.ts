import type { ConnectorReadSide, StreamReader, SyncContext } from '@fieldsync/connector-kit';
import type {
  ChangeLog,
  ClaimedCursor,
  CursorKey,
  CursorState,
  DB,
  SyncCursorRepository,
} from '@fieldsync/persistence';
import { backoffDelayMs, type ConnectionRateLimiter } from '@fieldsync/platform';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DriftReportRepository } from '../store/drift-report.repository';
import { afterPage, checkpointOf, planRun, readsIncrementally, type RunPart } from './cursor-plan.util';
import { mapPage } from './page-mapping.util';
import { PageReader } from './page-reader';
import { PageStore, reconcilingOwners } from './page-store';
import { PassProgress } from './pass-progress';
import type { SessionSource, SourcedSession } from './session-source.types';
import { SyncError, SyncErrorCode } from './sync.error';
import type { SyncMetrics } from './sync.metrics';
import type { SyncOptions } from './sync-options.types';

export interface StreamSyncDeps {
  readonly db: Kysely<DB>;
  readonly cursors: SyncCursorRepository;
  readonly changeLog: ChangeLog;
  readonly drift: DriftReportRepository;
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

type ReadResult = Awaited<ReturnType<PageReader['read']>>;

/** The pace of a connection whose connector states no budget and no operator set one. */
export const DEFAULT_REQUESTS_PER_SECOND = 10;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs one leased connection × stream until it catches up, page by page:
 *
 *   plan the run (planRun: go on, reconcile in a full pass, or re-read past drift); while a pass runs,
 *   read the changes since the incremental checkpoint until caught up, then the pass for one stream
 *   interval, and again (RunPart)
 *   → read a page under the vendor-call policy (PageReader)
 *   → map and validate it; what does not fit is drift (mapPage)
 *   → commit it in one transaction under the lease: cursor, records through the change log,
 *     tombstones when a full pass completes, drift reports (PageStore)
 *
 * and settles the lease: caught up → next run after the interval; failed → retried with backoff;
 * stopped → handed back; lost → left to its new owner. A pass cut short (crash, lease lost, failure)
 * resumes from its checkpoint and never deletes anything.
 */
export class StreamSyncService {
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly reader: PageReader;
  private readonly store: PageStore;

  constructor(private readonly deps: StreamSyncDeps) {
    this.logger = deps.logger.child({ component: 'StreamSyncService' });
    this.now = deps.now ?? (() => new Date());
    this.reader = new PageReader(deps.sessions, deps.limiter, deps.metrics, deps.options);
    this.store = new PageStore(deps.db, deps.cursors, deps.changeLog, deps.drift, deps.options.leaseMs);
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
    const heartbeat = setInterval(
      () => {
        cursors.renewLease(key, claim.lease, options.leaseMs).then(
          (held) => {
            if (!held) lease.abort(new SyncError(SyncErrorCode.LeaseLost, 'lease lost', true));
          },
          (error: unknown) => log.warn({ err: error }, 'lease renewal failed; will retry'),
        );
      },
      Math.max(50, Math.floor(options.leaseMs / 3)),
    );
    const progress = { pages: 0, records: 0 };
    try {
      const started = Date.now();
      await this.runPages(claim, key, AbortSignal.any([stop, lease.signal]), log, progress);
      clearInterval(heartbeat);
      if (!(await cursors.complete(key, claim.lease))) {
        metrics.runEnded(claim.vendor, claim.stream, 'lease_lost');
        return { outcome: 'lease_lost', ...progress };
      }
      metrics.runEnded(claim.vendor, claim.stream, 'caught_up');
      log.info({ ...progress, ms: Date.now() - started }, 'stream caught up');
      return { outcome: 'caught_up', ...progress };
    } catch (caught) {
      clearInterval(heartbeat);
      return this.settleFailure(claim, key, caught, { stop, lease: lease.signal }, progress, log);
    }
  }

  private async runPages(
    claim: ClaimedCursor,
    key: CursorKey,
    signal: AbortSignal,
    log: Logger,
    progress: { pages: number; records: number },
  ): Promise<void> {
    const { readSide, stream } = this.streamOf(claim);
    const plan = planRun(stream, claim.state, claim.generation, this.now(), this.deps.options, claim);
    if (plan.begins === 'pass') {
      log.info(
        { generation: plan.generation, requestedAt: claim.reconcileRequestedAt ?? undefined },
        'full reconciliation pass starts',
      );
    }
    if (plan.begins === 'reread') {
      log.info(
        { driftSince: claim.state.driftFrom?.at },
        'reading again from the checkpoint before the first drifted page',
      );
    }
    let state: CursorState = plan.state;
    const pass =
      state.pass || state.checkpoint === null
        ? new PassProgress(this.deps.metrics, claim.connectionId, claim.stream, log)
        : null;
    const owners = reconcilingOwners(readSide, stream);
    const ctx: Omit<SyncContext, 'session'> = {
      tenantId: claim.tenantId,
      connectionId: claim.connectionId,
      vendor: claim.vendor,
      logger: log,
      signal,
      now: this.now,
    };
    const session = await this.reader.acquire(claim.connectionId);
    // While page N commits, page N+1 is already being read (its checkpoint follows from page N alone), so
    // the vendor's latency and the store's transaction overlap. At most one read is ahead; it is aborted
    // when the run ends any other way than by reading it.
    const ahead = new AbortController();
    const readAhead = (checkpoint: string | null, from: SourcedSession): Promise<ReadResult> => {
      const reading = this.reader.read(
        stream,
        { ...ctx, signal: AbortSignal.any([signal, ahead.signal]) },
        checkpoint,
        from,
      );
      // Awaited at the top of the next page; a rejection before then (or after a failed commit, when it
      // is never awaited) must not go unhandled.
      reading.catch(() => undefined);
      return reading;
    };
    // While a pass runs, the changes since the incremental checkpoint are read until caught up first, then
    // the pass goes on for one stream interval before they are read again, so the stream stays as fresh
    // as its interval while the pass advances at its own pace.
    const interval = claim.intervalSeconds * 1000;
    let part: RunPart = readsIncrementally(state) ? 'incremental' : 'checkpoint';
    let sliceStartedAt = this.now().getTime();
    let next: Promise<ReadResult> | undefined = readAhead(checkpointOf(state, part), session);
    try {
      while (next) {
        const read = await next;
        next = undefined;
        const { page } = read;
        const mapped = mapPage(readSide, claim, page.records);
        const outcome = afterPage(state, page, mapped.drifted, this.now(), part);
        if (outcome.passCompleted && outcome.passBlind) {
          log.warn('reconciliation pass met drift without record ids: nothing is tombstoned this time');
        }
        // Which part the next page reads, if any: decided by this page alone.
        const pagePart = part;
        let done = false;
        if (part === 'incremental') {
          if (page.caughtUp) {
            part = 'checkpoint';
            sliceStartedAt = this.now().getTime();
          }
        } else if (page.caughtUp) {
          done = true;
        } else if (readsIncrementally(outcome.next) && this.now().getTime() - sliceStartedAt >= interval) {
          part = 'incremental';
        }
        if (!done) next = readAhead(checkpointOf(outcome.next, part), read.session);
        const committed = await this.store.commit(
          claim,
          key,
          owners,
          stream.reconciles ?? stream.entities,
          mapped,
          {
            state: outcome.next,
            generation: plan.generation,
            records: page.records.length,
            tombstone: outcome.passCompleted && !outcome.passBlind,
          },
          this.now(),
        );
        this.deps.metrics.recordsStored(claim.vendor, claim.stream, committed);
        this.deps.metrics.pageCommitted(claim.vendor, claim.stream, committed.events);
        state = outcome.next;
        progress.pages += 1;
        progress.records += page.records.length;
        if (pagePart === 'checkpoint') pass?.page(page);
        log.debug(
          {
            part: pagePart,
            page: progress.pages,
            records: page.records.length,
            ...committed,
            caughtUp: page.caughtUp,
          },
          'page stored',
        );
      }
    } finally {
      if (next) ahead.abort(new Error('the run ended before the page read ahead was needed'));
    }
  }

  private streamOf(claim: ClaimedCursor): { readSide: ConnectorReadSide; stream: StreamReader } {
    const readSide = this.deps.readSides.get(claim.vendor);
    const stream = readSide?.streams.find((s) => s.stream === claim.stream);
    if (!readSide || !stream) {
      throw new SyncError(
        SyncErrorCode.Failed,
        `no reader for ${claim.vendor} stream ${claim.stream} (removed from the connector?)`,
        false,
      );
    }
    return { readSide, stream };
  }

  /** A run that did not catch up: lease lost, stopped (handed back), or failed (retried with backoff). */
  private async settleFailure(
    claim: ClaimedCursor,
    key: CursorKey,
    caught: unknown,
    signals: { stop: AbortSignal; lease: AbortSignal },
    progress: { pages: number; records: number },
    log: Logger,
  ): Promise<RunResult> {
    const { options, cursors, metrics } = this.deps;
    const error =
      caught instanceof SyncError
        ? caught
        : new SyncError(SyncErrorCode.Failed, describe(caught), true, { cause: caught });
    if (error.code === SyncErrorCode.LeaseLost || signals.lease.aborted) {
      metrics.runEnded(claim.vendor, claim.stream, 'lease_lost');
      log.warn(progress, 'lease lost; the stream is left to the worker holding it');
      return { outcome: 'lease_lost', ...progress, error };
    }
    if (signals.stop.aborted) {
      await cursors.release(key, claim.lease).catch(() => undefined);
      metrics.runEnded(claim.vendor, claim.stream, 'stopped');
      return { outcome: 'stopped', ...progress };
    }
    const interval = claim.intervalSeconds * 1000;
    const retryInMs = backoffDelayMs(
      claim.consecutiveFailures + 1,
      Math.min(options.failureBackoffBaseMs, interval),
      Math.max(interval, Math.min(interval * 10, 3_600_000)),
      { jitter: 'full' },
    );
    await cursors
      .fail(key, claim.lease, `${error.code}: ${error.message}`, retryInMs)
      .catch((failError: unknown) => log.error({ err: failError }, 'could not record the failed run'));
    metrics.runEnded(claim.vendor, claim.stream, 'failed');
    log.warn({ code: error.code, err: error, ...progress, retryInMs }, 'stream run failed');
    return { outcome: 'failed', ...progress, error };
  }
}
