import { parseCanonicalId, type Command, type CommandType, type Vendor } from '@fieldsync/canonical-model';
import {
  VendorCallError,
  VendorCallGaveUp,
  VendorWriteError,
  callVendor,
  markerOf,
  withSessionPage,
  type BrowserPool,
  type CapturedSession,
  type CommandWrite,
  type ResolvedRecord,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { ENTITY_TABLES, type CanonicalStoreRepository, type DB } from '@fieldsync/persistence';
import { sleep, type ConnectionRateLimiter } from '@fieldsync/platform';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  LeaseLostError,
  type HeldKey,
  type IdempotencyRepository,
  type RecoveryPoint,
} from '../idempotency/idempotency.repository';
import { bookedBy, describeConflicts, storedBookings } from './conflict-check';
import { TransientFailure, type WriterOptions, type WriterSessionSource } from './writer.types';
import type { WriterMetrics } from './writer.metrics';

type Session = { session: CapturedSession; sessionVersion: number };

export interface VendorEffectDeps {
  readonly db: Kysely<DB>;
  readonly keys: IdempotencyRepository;
  readonly store: CanonicalStoreRepository;
  readonly sessions: WriterSessionSource;
  /** Spaces this replica's vendor requests per connection and holds them during a vendor's Retry-After. */
  readonly limiter: ConnectionRateLimiter;
  /** Browser pages for writes only the vendor's web app offers (WriteContext.portal). */
  readonly browsers: BrowserPool | undefined;
  readonly metrics: WriterMetrics;
  readonly options: WriterOptions;
  readonly now: () => Date;
}

/** One execution of a command against its vendor: what the key's recovery point and the timings track. */
export interface Execution {
  readonly command: Command;
  readonly vendor: Vendor;
  readonly write: CommandWrite<CommandType>;
  readonly held: HeldKey;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Time spent in vendor calls, for the writer's overhead metric. */
  readonly vendorMs: { total: number };
  /**
   * How far this execution got: `point` the recovery point it reached; `unrecorded` the vendor's outcome
   * when `vendor_call_done` is left to the transaction that completes the key (see VendorEffect.run).
   */
  readonly progress: { point: RecoveryPoint; unrecorded?: WriteOutcome | undefined };
}

/**
 * Steps 2–4 of a command (DESIGN "Exactly-once effects on vendors"): the technicians' calendars checked
 * for a double booking (store + a fresh vendor read); then the vendor's effect, found (a crashed or
 * failed attempt's, by its marker) or made now, under the recovery points `vendor_call_started` and
 * `vendor_call_done`. Every vendor step runs under the vendor-call policy (connector-kit `callVendor`):
 * 401 → a new session once; 429 → handed back (the command is nak'ed with Retry-After); 5xx and timeouts
 * → backoff up to WRITER_MAX_ATTEMPTS; a retried `execute` that may have been applied looks first.
 */
export class VendorEffect {
  constructor(private readonly deps: VendorEffectDeps) {}

  async run(x: Execution): Promise<WriteOutcome> {
    const { command, held, write, log } = x;
    const advance = async (point: RecoveryPoint, recovery?: unknown): Promise<void> => {
      await this.deps.keys.advance(held, this.deps.options.workerId, point, recovery);
      x.progress.point = point;
    };
    if (held.recoveryPoint === 'vendor_call_done' && held.recovery) {
      log.info('resuming after the vendor accepted the write: bookkeeping only');
      return held.recovery as WriteOutcome;
    }
    const session = { current: await this.acquire(command.connectionId) };
    const call = <T>(what: string, fn: (ctx: WriteContext) => Promise<T>): Promise<T> =>
      this.call(x, session, what, fn);

    if (held.recoveryPoint === 'started') await this.checkConflicts(command, write, call);
    const find = write.find?.bind(write);
    // A key this execution recorded at `vendor_call_started` up front (`fresh`) had no attempt before.
    if (held.recoveryPoint !== 'started' && !held.fresh && find) {
      // A crashed or failed attempt may have reached the vendor: look for its marker before writing again.
      const found = await call('find', (ctx) => find(ctx, command as never));
      if (found) {
        log.info("the vendor already has this command's effect (marker found): not writing again");
        await advance('vendor_call_done', found);
        return found;
      }
    }
    if (held.recoveryPoint === 'started' || !held.fresh) await advance('vendor_call_started');
    x.progress.point = 'vendor_call_started';
    let ambiguous = false;
    const outcome = await call('execute', async (ctx) => {
      if (ambiguous && find) {
        // The previous try failed after the request went out (timeout, 5xx): it may have been applied.
        const found = await find(ctx, command);
        if (found) return found;
      }
      try {
        return await write.execute(ctx, command);
      } catch (error) {
        // A 401 or 429 was refused before anything happened; a 5xx, a timeout or a dropped connection may
        // have been applied by the vendor before the answer was lost.
        ambiguous =
          error instanceof VendorCallError
            ? error.failure.kind === 'unavailable'
            : !(error instanceof VendorWriteError);
        throw error;
      }
    });
    if (
      this.deps.options.crashAfterVendorWrite > 0 &&
      Math.random() < this.deps.options.crashAfterVendorWrite
    ) {
      log.warn('fault injection: SIGKILL right after the vendor accepted the write');
      process.kill(process.pid, 'SIGKILL');
      await sleep(60_000).catch(() => undefined);
    }
    if (find) {
      // `vendor_call_done` goes into the transaction that completes the key (OutcomeStore), not a commit of
      // its own: until that commits the key says `vendor_call_started`, and a crash anywhere before it is
      // met as the crash right after the vendor accepted the write always was: the next attempt finds the
      // marker and completes without writing again. (The executor records it on its own if that
      // transaction fails without a crash.) A write without `find` records it now: its next attempt
      // could not tell otherwise.
      x.progress.point = 'vendor_call_done';
      x.progress.unrecorded = outcome;
      return outcome;
    }
    await advance('vendor_call_done', outcome);
    return outcome;
  }

  private async checkConflicts(
    command: Command,
    write: CommandWrite<CommandType>,
    call: <T>(what: string, fn: (ctx: WriteContext) => Promise<T>) => Promise<T>,
  ): Promise<void> {
    const booked = await bookedBy(this.deps.db, command);
    if (!booked) return;
    const fromStore = await storedBookings(this.deps.db, command.connectionId, booked);
    const bookings = write.bookings?.bind(write);
    const fromVendor = bookings ? await call('bookings', (ctx) => bookings(ctx, command as never)) : [];
    const conflicts = [...fromStore, ...fromVendor].filter(
      (b) => booked.technicianIds.includes(b.technicianId) && b.appointmentId !== booked.appointmentId,
    );
    if (conflicts.length > 0) {
      throw new VendorWriteError('schedule_conflict', `double booking: ${describeConflicts(conflicts)}`, {
        field: booked.field,
      });
    }
  }

  /** One vendor step under the vendor-call policy; its failures become TransientFailure for the consumer. */
  private async call<T>(
    x: Execution,
    session: { current: Session },
    what: string,
    fn: (ctx: WriteContext) => Promise<T>,
  ): Promise<T> {
    const { command, log, signal } = x;
    const { options, limiter, sessions, metrics } = this.deps;
    try {
      return await callVendor(
        async (trySignal) => {
          const started = process.hrtime.bigint();
          try {
            return await fn(this.context(x, session.current.session, trySignal));
          } finally {
            x.vendorMs.total += Number(process.hrtime.bigint() - started) / 1e6;
          }
        },
        {
          maxAttempts: options.maxAttempts,
          retryBaseMs: options.retryBaseMs,
          retryMaxMs: options.retryMaxMs,
          maxRetryAfterMs: options.maxRetryAfterMs,
          onRateLimit: 'yield',
          attemptTimeoutMs: options.vendorTimeoutMs,
        },
        {
          renewSession: async () => {
            log.info({ step: what }, 'vendor answered 401: invalidating the session and retrying once');
            await sessions.invalidate(command.connectionId, 'unauthorized', session.current.sessionVersion);
            session.current = await this.acquire(command.connectionId);
          },
          onFailure: (failure) => metrics.vendorFailure(command.type, failure.kind),
          // The connection's other commands wait too, instead of each meeting its own 429.
          onRateLimited: (ms) => limiter.pause(command.connectionId, ms),
          onRetry: (failure, attempt, delayMs) =>
            log.warn({ step: what, attempt, delayMs, reason: failure.kind }, 'vendor call failed, retrying'),
        },
        signal,
      );
    } catch (error) {
      if (error instanceof VendorWriteError || error instanceof LeaseLostError) throw error;
      if (signal.aborted) throw new TransientFailure('internal', 'the writer is shutting down', 0);
      if (!(error instanceof VendorCallGaveUp)) throw error;
      const { failure } = error;
      switch (failure.kind) {
        case 'unauthorized':
          throw new TransientFailure('auth_failed', error.message);
        case 'rate_limited':
          throw new TransientFailure('rate_limited', error.message, failure.retryAfterMs);
        case 'unavailable':
          throw new TransientFailure(
            'vendor_unavailable',
            `${what}: ${failure.message} (after ${error.attempts} attempts)`,
          );
      }
    }
  }

  /** What a write gets for one try. */
  private context(x: Execution, session: CapturedSession, signal: AbortSignal): WriteContext {
    const { command, vendor, held, log } = x;
    return {
      tenantId: command.tenantId,
      connectionId: command.connectionId,
      vendor,
      session,
      logger: log,
      signal,
      now: this.deps.now,
      pace: () => this.deps.limiter.take(command.connectionId, signal),
      marker: markerOf(command.tenantId, command.idempotencyKey),
      firstAttemptAt: held.firstAttemptAt,
      resolve: (id, field) => this.resolve(command.connectionId, id, field),
      portal: (fn) => {
        if (!this.deps.browsers) {
          return Promise.reject(new Error('this writer has no browser pool for web-app writes'));
        }
        return withSessionPage(this.deps.browsers, session, fn, signal);
      },
    };
  }

  private async acquire(connectionId: string): Promise<Session> {
    try {
      return await this.deps.sessions.acquire(connectionId);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const retriable = (error as { retriable?: boolean }).retriable ?? true;
      const message = `no vendor session: ${error instanceof Error ? error.message : String(error)}`;
      if (code === 'mfa_required') throw new TransientFailure('mfa_required', message);
      if (!retriable)
        throw new VendorWriteError('vendor_rejected', message, { vendorCode: code ?? 'session' });
      throw new TransientFailure('auth_failed', message, 5_000);
    }
  }

  /** ctx.resolve: a canonical id of this connection → the stored vendor record. */
  private async resolve(connectionId: string, id: string, field: string): Promise<ResolvedRecord> {
    const parsed = parseCanonicalId(id);
    if (!parsed || !ENTITY_TABLES[parsed.entity]) {
      throw new VendorWriteError(
        'validation_failed',
        `${field}: ${id} is not a canonical id of a stored entity`,
        {
          field,
        },
      );
    }
    const row = await this.deps.store.findById(this.deps.db, connectionId, parsed.entity, id);
    if (!row || row.deletedAt !== null) {
      throw new VendorWriteError(
        'not_found',
        `${field}: ${parsed.entity} ${id} ${row ? 'was deleted' : 'is not known for this connection (not synced yet?)'}`,
        { field },
      );
    }
    return { entity: parsed.entity, externalId: row.externalId, document: row.document, raw: row.raw };
  }
}
