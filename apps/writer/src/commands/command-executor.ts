import {
  RESULT_ERROR_RETRIABLE,
  commandResultSchema,
  parseCanonicalId,
  type CanonicalEntity,
  type Command,
  type CommandResult,
  type CommandType,
  type ResultErrorCode,
  type Vendor,
} from '@fieldsync/canonical-model';
import {
  VendorCallError,
  VendorWriteError,
  mapVendorRecord,
  markerOf,
  type CapturedSession,
  type CommandHandler,
  type ConnectorReadSide,
  type ConnectorWriteSide,
  type ResolvedRecord,
  type VendorRecord,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { OUTBOX_CHANNEL, toOutboxEntry } from '@fieldsync/infrastructure';
import {
  ENTITY_TABLES,
  lockConnectionStore,
  type CanonicalStoreRepository,
  type ChangeEventRepository,
  type DB,
  type Json,
  type MappedRecord,
} from '@fieldsync/persistence';
import { backoffDelayMs, sleep, type ConnectionRateLimiter } from '@fieldsync/platform';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { bookedBy, describeConflicts, storedBookings } from './conflict-check';
import { replayOf, requestFingerprint } from './command-intake.util';
import type { WriterMetrics } from './writer.metrics';
import {
  LeaseLostError,
  type HeldKey,
  type IdempotencyRepository,
  type RecoveryPoint,
} from '../idempotency/idempotency.repository';

/** The writer's way to vendor sessions (the SessionClient satisfies it). */
export interface WriterSessionSource {
  acquire(connectionId: string): Promise<{ session: CapturedSession; sessionVersion: number }>;
  invalidate(
    connectionId: string,
    reason: 'unauthorized' | 'forbidden',
    sessionVersion?: number,
  ): Promise<unknown>;
}

export interface WriterOptions {
  readonly workerId: string;
  readonly idempotencyTtlMs: number;
  readonly inFlightWaitMs: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly maxRetryAfterMs: number;
  readonly vendorTimeoutMs: number;
  /** Test-only: probability of a SIGKILL right after the vendor accepted a write. */
  readonly crashAfterVendorWrite: number;
}

/** What the consumer does with the message once a command is handled. */
export type Disposition =
  /** Done (a result was published, or another writer owns the key): ack. */
  | { readonly kind: 'ack' }
  /** Try again later: nak with this delay (Retry-After, a busy key of the same command, a shutdown). */
  | { readonly kind: 'nak'; readonly delayMs: number; readonly reason: string }
  /** Given up on a transient failure: the `failed` result is published; copy the command to FSM_DLQ. */
  | { readonly kind: 'dead_letter'; readonly reason: string };

export interface ExecutorDeps {
  readonly db: Kysely<DB>;
  readonly keys: IdempotencyRepository;
  readonly store: CanonicalStoreRepository;
  readonly outbox: ChangeEventRepository;
  readonly writeSides: ReadonlyMap<Vendor, ConnectorWriteSide>;
  readonly readSides: ReadonlyMap<Vendor, ConnectorReadSide>;
  readonly sessions: WriterSessionSource;
  /** Spaces this replica's vendor requests per connection and holds them during a vendor's Retry-After. */
  readonly limiter: ConnectionRateLimiter;
  readonly publishResult: (tenantId: string, result: CommandResult) => Promise<void>;
  readonly metrics: WriterMetrics;
  readonly options: WriterOptions;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** A failure that ends this delivery without a final result: nak, or fail + dead-letter after the last try. */
class TransientFailure extends Error {
  override readonly name = 'TransientFailure';
  constructor(
    readonly code: ResultErrorCode,
    message: string,
    /** Set when the vendor asked for a wait (429): nak with it instead of failing. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Waits `ms`, or less when `signal` aborts (the caller checks the signal afterwards). */
const pause = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, signal).catch(() => undefined);

/** Rejected (the command itself cannot be done as asked) or failed (the vendor would not or could not). */
const REJECTING_CODES: ReadonlySet<ResultErrorCode> = new Set([
  'validation_failed',
  'schedule_conflict',
  'not_found',
  'idempotency_key_reused',
  'idempotency_key_in_flight',
]);

/**
 * Executes one valid command exactly once against its vendor:
 *
 *  1. idempotency key recorded with the request's fingerprint before anything else (a completed key →
 *     its stored result, `replayed`; another request under the key → `idempotency_key_reused`; a key in
 *     flight → wait for it, bounded);
 *  2. conflict check of the technicians' calendars (store + fresh vendor read) for bookings;
 *  3. recovery point `vendor_call_started`, then the vendor call (5xx/timeouts retried with backoff and
 *     jitter, looking for the command's marker before writing again; 401 → new session, once);
 *     after a crash, a redelivery looks for the marker first and never writes twice;
 *  4. recovery point `vendor_call_done` with what the vendor returned;
 *  5. one transaction: the canonical records upserted, their change events appended to the outbox, the
 *     key completed with the result, the command row updated; then the result is published.
 */
export class CommandExecutor {
  private readonly now: () => Date;

  constructor(private readonly deps: ExecutorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async execute(
    command: Command,
    delivery: { deliveryCount: number; maxDeliver: number; signal: AbortSignal },
  ): Promise<Disposition> {
    const { keys, options, metrics } = this.deps;
    const log = this.deps.logger.child({
      commandId: command.commandId,
      tenantId: command.tenantId,
      connectionId: command.connectionId,
      type: command.type,
    });
    const started = process.hrtime.bigint();
    const connection = await this.deps.db
      .selectFrom('connections')
      .select(['vendor', 'status'])
      .where('id', '=', command.connectionId)
      .where('tenant_id', '=', command.tenantId)
      .executeTakeFirst();
    if (!connection) {
      return this.finishUnkeyed(
        command,
        'not_found',
        'connectionId',
        `connection ${command.connectionId} not found for this tenant`,
      );
    }
    const vendor = connection.vendor as Vendor;
    const handler = this.deps.writeSides.get(vendor)?.handlers[command.type] as
      CommandHandler<CommandType> | undefined;
    if (!handler) {
      return this.finishUnkeyed(
        command,
        'unsupported',
        'type',
        `${vendor} connections do not support ${command.type}`,
      );
    }
    const begin = await this.beginKey(command, log, delivery.signal);
    if (begin.kind === 'done') return begin.disposition;
    const held = begin.held;
    await this.recordCommand(command, 'in_progress');
    const vendorMs = { total: 0 };
    // How far this execution got (the key's recovery point, as this writer last recorded it).
    const progress = { point: held.recoveryPoint };
    const renew = setInterval(
      () => {
        void keys
          .renew(held, options.workerId)
          .catch((error: unknown) => log.warn({ err: error }, 'lease renewal failed'));
      },
      Math.max(250, Math.floor(options.leaseMs / 3)),
    );
    try {
      const outcome = await this.run(
        command,
        vendor,
        handler,
        held,
        log,
        delivery.signal,
        vendorMs,
        progress,
      );
      const result = this.succeeded(command, outcome);
      const stored = await this.storeSuccess(command, vendor, held, outcome, result, log);
      await this.deps.publishResult(command.tenantId, result);
      const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.completed(vendor, command.type, 'succeeded', totalMs, vendorMs.total);
      log.info(
        {
          events: stored.events,
          attempts: held.attempts,
          ms: Math.round(totalMs * 10) / 10,
          vendorMs: Math.round(vendorMs.total * 10) / 10,
        },
        'command succeeded',
      );
      return { kind: 'ack' };
    } catch (error) {
      return await this.onFailure(command, vendor, held, progress.point, error, delivery, log);
    } finally {
      clearInterval(renew);
    }
  }

  /** Steps 1: the key. Waits for a live execution of the same key up to WRITER_IN_FLIGHT_WAIT. */
  private async beginKey(
    command: Command,
    log: Logger,
    signal: AbortSignal,
  ): Promise<{ kind: 'held'; held: HeldKey } | { kind: 'done'; disposition: Disposition }> {
    const { keys, options } = this.deps;
    const deadline = Date.now() + options.inFlightWaitMs;
    const requestHash = requestFingerprint(command);
    for (;;) {
      const begin = await keys.begin({
        tenantId: command.tenantId,
        key: command.idempotencyKey,
        commandId: command.commandId,
        connectionId: command.connectionId,
        type: command.type,
        requestHash,
        workerId: options.workerId,
        leaseMs: options.leaseMs,
        ttlMs: options.idempotencyTtlMs,
      });
      switch (begin.kind) {
        case 'execute':
          return { kind: 'held', held: begin.held };
        case 'reused': {
          const result = this.errorResult(
            command,
            'idempotency_key_reused',
            'this idempotency key was used with a different request; use a new key for a new request',
            'idempotencyKey',
          );
          await this.deps.publishResult(command.tenantId, result);
          this.deps.metrics.completed(null, command.type, 'rejected', 0, 0);
          return { kind: 'done', disposition: { kind: 'ack' } };
        }
        case 'replay': {
          // The same command redelivered after its result was stored (a crash before the ack): the same
          // result again (JetStream drops the duplicate publish). Another command with the key: replayed.
          const result =
            begin.commandId === command.commandId ? begin.result : replayOf(begin.result, command);
          await this.deps.publishResult(command.tenantId, result);
          this.deps.metrics.replayed(command.type);
          log.info({ original: begin.commandId }, 'idempotency key completed: stored result returned');
          return { kind: 'done', disposition: { kind: 'ack' } };
        }
        case 'busy': {
          if (Date.now() < deadline && !signal.aborted) {
            await pause(Math.min(250, Math.max(10, deadline - Date.now())), signal);
            continue;
          }
          if (begin.commandId === command.commandId || signal.aborted) {
            // Our own command, still held by a live execution (ours elsewhere, or a crashed one whose lease
            // has not run out): come back when the lease would have expired.
            return {
              kind: 'done',
              disposition: { kind: 'nak', delayMs: options.leaseMs, reason: 'idempotency key in flight' },
            };
          }
          const result = this.errorResult(
            command,
            'idempotency_key_in_flight',
            `a request with this idempotency key is still executing (${begin.commandId ?? 'another command'}); retry later`,
            'idempotencyKey',
          );
          await this.deps.publishResult(command.tenantId, result);
          this.deps.metrics.completed(null, command.type, 'rejected', 0, 0);
          return { kind: 'done', disposition: { kind: 'ack' } };
        }
      }
    }
  }

  /** Steps 2–4: conflict check, then the vendor's effect: found (a crashed attempt's) or made now. */
  private async run(
    command: Command,
    vendor: Vendor,
    handler: CommandHandler<CommandType>,
    held: HeldKey,
    log: Logger,
    signal: AbortSignal,
    vendorMs: { total: number },
    progress: { point: RecoveryPoint },
  ): Promise<WriteOutcome> {
    const { keys, options } = this.deps;
    const advance = async (point: RecoveryPoint, recovery?: unknown): Promise<void> => {
      await keys.advance(held, options.workerId, point, recovery);
      progress.point = point;
    };
    if (held.recoveryPoint === 'vendor_call_done' && held.recovery) {
      log.info('resuming after the vendor accepted the write: bookkeeping only');
      return held.recovery as WriteOutcome;
    }
    const session = { current: await this.acquire(command.connectionId) };
    const ctxFor = (callSignal: AbortSignal): WriteContext => ({
      tenantId: command.tenantId,
      connectionId: command.connectionId,
      vendor,
      session: session.current.session,
      logger: log,
      signal: callSignal,
      now: this.now,
      pace: () => this.deps.limiter.take(command.connectionId, callSignal),
      marker: markerOf(command.tenantId, command.idempotencyKey),
      firstAttemptAt: held.firstAttemptAt,
      resolve: (id, field) => this.resolve(command.connectionId, id, field),
    });
    const call = <T>(what: string, fn: (ctx: WriteContext) => Promise<T>): Promise<T> =>
      this.withVendorRetries(command, session, what, fn, ctxFor, log, signal, vendorMs);

    if (held.recoveryPoint === 'started') await this.checkConflicts(command, handler, call);
    const find = handler.find?.bind(handler);
    if (held.recoveryPoint !== 'started' && find) {
      // A crashed or failed attempt may have reached the vendor: look for its marker before writing again.
      const found = await call('find', (ctx) => find(ctx, command as never));
      if (found) {
        log.info("the vendor already has this command's effect (marker found): not writing again");
        await advance('vendor_call_done', found);
        return found;
      }
    }
    await advance('vendor_call_started');
    let ambiguous = false;
    const outcome = await call('execute', async (ctx) => {
      if (ambiguous && handler.find) {
        // The previous try failed after the request went out (timeout, 5xx): it may have been applied.
        const found = await handler.find(ctx, command);
        if (found) return found;
      }
      try {
        return await handler.execute(ctx, command);
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
    if (options.crashAfterVendorWrite > 0 && Math.random() < options.crashAfterVendorWrite) {
      log.warn('fault injection: SIGKILL right after the vendor accepted the write');
      process.kill(process.pid, 'SIGKILL');
      await pause(60_000);
    }
    await advance('vendor_call_done', outcome);
    return outcome;
  }

  private async checkConflicts(
    command: Command,
    handler: CommandHandler<CommandType>,
    call: <T>(what: string, fn: (ctx: WriteContext) => Promise<T>) => Promise<T>,
  ): Promise<void> {
    const booked = await bookedBy(this.deps.db, command);
    if (!booked) return;
    const fromStore = await storedBookings(this.deps.db, command.connectionId, booked);
    const bookings = handler.bookings?.bind(handler);
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

  /**
   * One vendor step with the writer's retry policy: 401 → invalidate the session, acquire a new one and
   * retry once; 429 → TransientFailure with Retry-After (nak); 5xx, timeouts, network errors → backoff
   * with jitter up to WRITER_MAX_ATTEMPTS, then TransientFailure. Each try is bounded by WRITER_VENDOR_TIMEOUT.
   */
  private async withVendorRetries<T>(
    command: Command,
    session: { current: { session: CapturedSession; sessionVersion: number } },
    what: string,
    fn: (ctx: WriteContext) => Promise<T>,
    ctxFor: (signal: AbortSignal) => WriteContext,
    log: Logger,
    signal: AbortSignal,
    vendorMs: { total: number },
  ): Promise<T> {
    const { options, metrics, sessions } = this.deps;
    let reauthenticated = false;
    for (let attempt = 1; ; attempt += 1) {
      const timeout = AbortSignal.timeout(options.vendorTimeoutMs);
      const callSignal = AbortSignal.any([signal, timeout]);
      const t0 = process.hrtime.bigint();
      try {
        return await fn(ctxFor(callSignal));
      } catch (error) {
        if (error instanceof VendorWriteError || error instanceof LeaseLostError) throw error;
        if (signal.aborted) throw new TransientFailure('internal', 'the writer is shutting down', 0);
        const failure =
          error instanceof VendorCallError
            ? error.failure
            : timeout.aborted
              ? ({ kind: 'unavailable', message: `no answer within ${options.vendorTimeoutMs} ms` } as const)
              : undefined;
        if (failure === undefined) throw error;
        metrics.vendorFailure(command.type, failure.kind);
        if (failure.kind === 'unauthorized') {
          if (reauthenticated) {
            throw new TransientFailure(
              'auth_failed',
              `the vendor refused a fresh session too (HTTP ${failure.status})`,
            );
          }
          reauthenticated = true;
          log.info({ step: what }, 'vendor answered 401: invalidating the session and retrying once');
          await sessions.invalidate(command.connectionId, 'unauthorized', session.current.sessionVersion);
          session.current = await this.acquire(command.connectionId);
          attempt -= 1;
          continue;
        }
        if (failure.kind === 'rate_limited') {
          // The connection's other commands wait too, instead of each meeting its own 429.
          this.deps.limiter.pause(command.connectionId, failure.retryAfterMs);
          throw new TransientFailure(
            'rate_limited',
            `the vendor asked to wait ${failure.retryAfterMs} ms`,
            failure.retryAfterMs,
          );
        }
        if (attempt >= options.maxAttempts) {
          throw new TransientFailure(
            'vendor_unavailable',
            `${what}: ${failure.message} (after ${attempt} attempts)`,
          );
        }
        const delay = backoffDelayMs(attempt, options.retryBaseMs, options.retryMaxMs, { jitter: 'full' });
        log.warn(
          { step: what, attempt, delayMs: delay, reason: failure.message },
          'vendor call failed, retrying',
        );
        await pause(delay, signal);
      } finally {
        vendorMs.total += Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }
  }

  private async acquire(connectionId: string): Promise<{ session: CapturedSession; sessionVersion: number }> {
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
    const spec = parsed ? ENTITY_TABLES[parsed.entity] : undefined;
    if (!parsed || !spec) {
      throw new VendorWriteError(
        'validation_failed',
        `${field}: ${id} is not a canonical id of a stored entity`,
        { field },
      );
    }
    const row = await this.deps.db
      .selectFrom(spec.table as 'customers')
      .select(['external_id', 'document', 'raw', 'deleted_at'])
      .where('id', '=', id)
      .where('connection_id', '=', connectionId)
      .executeTakeFirst();
    if (!row || row.deleted_at !== null) {
      throw new VendorWriteError(
        'not_found',
        `${field}: ${parsed.entity} ${id} ${row ? 'was deleted' : 'is not known for this connection (not synced yet?)'}`,
        { field },
      );
    }
    return {
      entity: parsed.entity,
      externalId: row.external_id,
      document: row.document as unknown as CanonicalEntity,
      raw: row.raw,
    };
  }

  private succeeded(command: Command, outcome: WriteOutcome): CommandResult {
    const { __type: _ignored, ...data } = outcome.result;
    return commandResultSchema.parse({
      commandId: command.commandId,
      idempotencyKey: command.idempotencyKey,
      type: command.type,
      status: 'succeeded',
      result: data,
      completedAt: this.now().toISOString(),
    });
  }

  private errorResult(
    command: Command,
    code: ResultErrorCode,
    message: string,
    field?: string,
    extra: { vendorCode?: string; retryAfterSeconds?: number; retriable?: boolean } = {},
  ): CommandResult {
    return commandResultSchema.parse({
      commandId: command.commandId,
      idempotencyKey: command.idempotencyKey,
      type: command.type,
      status: REJECTING_CODES.has(code) ? 'rejected' : 'failed',
      error: {
        code,
        message: message.slice(0, 2000),
        retriable: extra.retriable ?? RESULT_ERROR_RETRIABLE[code],
        ...(field === undefined ? {} : { field }),
        ...(extra.vendorCode === undefined ? {} : { vendorCode: extra.vendorCode.slice(0, 200) }),
        ...(extra.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: extra.retryAfterSeconds }),
      },
      completedAt: this.now().toISOString(),
    });
  }

  /** Mapped records → one transaction with the events, the key's result and the command row. */
  private async storeSuccess(
    command: Command,
    vendor: Vendor,
    held: HeldKey,
    outcome: WriteOutcome,
    result: CommandResult,
    log: Logger,
  ): Promise<{ events: number }> {
    const { db, store, outbox, keys, options } = this.deps;
    const mapped = this.mapRecords(command, vendor, outcome.records, log);
    return db.transaction().execute(async (trx) => {
      let events = 0;
      if (mapped.length > 0) {
        await lockConnectionStore(trx, command.connectionId);
        // Stamped one generation ahead of the connection's passes: a reconciliation pass that began before
        // this write (and so could not see the record) must not take it for deleted.
        const generation = await trx
          .selectFrom('sync_cursors')
          .select(sql<string>`coalesce(max(sync_generation), 0) + 1`.as('next'))
          .where('connection_id', '=', command.connectionId)
          .executeTakeFirstOrThrow();
        const page = await store.upsertPage(
          trx,
          {
            tenantId: command.tenantId,
            connectionId: command.connectionId,
            vendor,
            generation: Number(generation.next),
            now: this.now(),
          },
          mapped,
        );
        const entries = page.events.map((event) => toOutboxEntry(command.tenantId, event));
        await outbox.appendEvents(trx, command.tenantId, command.connectionId, entries);
        if (entries.length > 0)
          await sql`select pg_notify(${OUTBOX_CHANNEL}, ${command.connectionId})`.execute(trx);
        events = entries.length;
      }
      await keys.complete(trx, held, options.workerId, result);
      await this.recordCommand(command, 'succeeded', { result, trx });
      return { events };
    });
  }

  private mapRecords(
    command: Command,
    vendor: Vendor,
    records: readonly Extract<VendorRecord, { kind: 'record' }>[],
    log: Logger,
  ): MappedRecord[] {
    const readSide = this.deps.readSides.get(vendor);
    if (!readSide) return [];
    const mapped: MappedRecord[] = [];
    for (const record of records) {
      if (!ENTITY_TABLES[record.entity]) continue;
      const result = mapVendorRecord(readSide.mapper, record, {
        tenantId: command.tenantId,
        connectionId: command.connectionId,
      });
      if (result.ok) {
        mapped.push({
          entity: record.entity,
          externalId: record.externalId,
          object: result.object,
          raw: record.raw,
          deleted: record.deleted,
        });
      } else {
        // The vendor has the change; the extractor will meet the same record and quarantine it as drift.
        log.warn(
          { entity: record.entity, externalId: record.externalId, issues: result.issues },
          'a record read back after the write does not map; left to the extractor',
        );
      }
    }
    return mapped;
  }

  private async onFailure(
    command: Command,
    vendor: Vendor,
    held: HeldKey,
    reachedPoint: RecoveryPoint,
    error: unknown,
    delivery: { deliveryCount: number; maxDeliver: number; signal: AbortSignal },
    log: Logger,
  ): Promise<Disposition> {
    const { keys, options, metrics } = this.deps;
    if (error instanceof LeaseLostError) {
      log.warn('another writer took this idempotency key over (lease expired): leaving the command to it');
      return { kind: 'ack' };
    }
    if (error instanceof VendorWriteError) {
      // Final: the vendor (or our check) refused the command as asked; the same request gets the same answer.
      const result = this.errorResult(command, error.code, error.message, error.details.field, {
        ...(error.details.vendorCode === undefined ? {} : { vendorCode: error.details.vendorCode }),
      });
      await this.deps.db.transaction().execute(async (trx) => {
        await keys.complete(trx, held, options.workerId, result);
        await this.recordCommand(command, result.status, { error: result.error, trx });
      });
      await this.deps.publishResult(command.tenantId, result);
      metrics.completed(vendor, command.type, result.status, 0, 0);
      log.info({ code: error.code, field: error.details.field }, `command ${result.status}`);
      return { kind: 'ack' };
    }
    const transient =
      error instanceof TransientFailure
        ? error
        : new TransientFailure('internal', error instanceof Error ? error.message : String(error));
    const lastDelivery = delivery.deliveryCount >= delivery.maxDeliver;
    if (delivery.signal.aborted && !(error instanceof TransientFailure && error.code === 'rate_limited')) {
      await keys.release(held, options.workerId, 'in_progress').catch(() => undefined);
      return { kind: 'nak', delayMs: 0, reason: 'shutting down' };
    }
    if (
      transient.retryAfterMs !== undefined &&
      transient.retryAfterMs <= options.maxRetryAfterMs &&
      !lastDelivery
    ) {
      await keys.release(held, options.workerId, 'in_progress');
      log.info({ code: transient.code, delayMs: transient.retryAfterMs }, 'command postponed');
      return { kind: 'nak', delayMs: transient.retryAfterMs, reason: transient.message };
    }
    if (transient.code === 'internal' && !lastDelivery) {
      // Our own trouble (database, NATS): redeliver with the consumer's backoff.
      log.error({ err: error }, 'command failed on our side, will retry');
      await keys.release(held, options.workerId, 'in_progress').catch(() => undefined);
      return {
        kind: 'nak',
        delayMs: backoffDelayMs(delivery.deliveryCount, 1_000, 60_000, { jitter: 'full' }),
        reason: transient.message,
      };
    }
    // Given up for now: `failed`, not stored as final (the same key may be sent again and resumes from its
    // recovery point, looking for the marker first), and the command goes to FSM_DLQ.
    const message =
      reachedPoint !== 'started'
        ? `${transient.message}; the vendor may have applied the change: send the same idempotency key again to complete it (it is looked for before anything is written again)`
        : transient.message;
    const result = this.errorResult(command, transient.code, message, undefined, {
      retriable: true,
      ...(transient.retryAfterMs === undefined
        ? {}
        : { retryAfterSeconds: Math.ceil(transient.retryAfterMs / 1000) }),
    });
    await keys.release(held, options.workerId, 'failed');
    await this.recordCommand(command, 'failed', { error: result.error });
    await this.deps.publishResult(command.tenantId, result);
    metrics.completed(vendor, command.type, 'failed', 0, 0);
    log.warn({ code: transient.code, reason: transient.message }, 'command failed; copied to the DLQ');
    return { kind: 'dead_letter', reason: `${transient.code}: ${transient.message}` };
  }

  /** A command refused before its key is taken (unknown connection, unsupported type): answered, not keyed. */
  private async finishUnkeyed(
    command: Command,
    code: ResultErrorCode,
    field: string,
    message: string,
  ): Promise<Disposition> {
    const result = this.errorResult(command, code, message, field);
    await this.deps.publishResult(command.tenantId, result);
    this.deps.metrics.completed(null, command.type, result.status, 0, 0);
    return { kind: 'ack' };
  }

  /** The `commands` row: what was asked and how it ended (the API lists it). */
  private async recordCommand(
    command: Command,
    status: 'in_progress' | 'succeeded' | 'failed' | 'rejected',
    extra: { result?: CommandResult; error?: unknown; trx?: Kysely<DB> } = {},
  ): Promise<void> {
    const db = extra.trx ?? this.deps.db;
    const final = status !== 'in_progress';
    await db
      .insertInto('commands')
      .values({
        command_id: command.commandId,
        tenant_id: command.tenantId,
        connection_id: command.connectionId,
        idempotency_key: command.idempotencyKey,
        type: command.type,
        payload: JSON.stringify(command.payload) as unknown as Json,
        status,
        attempts: 1,
        requested_at: new Date(command.requestedAt),
        started_at: sql<Date>`now()`,
        ...(final ? { completed_at: sql<Date>`now()` } : {}),
        ...(extra.result ? { result: JSON.stringify(extra.result.result ?? null) as unknown as Json } : {}),
        ...(extra.error ? { error: JSON.stringify(extra.error) as unknown as Json } : {}),
      })
      .onConflict((oc) =>
        oc.column('command_id').doUpdateSet((eb) => ({
          status,
          attempts:
            status === 'in_progress' ? sql<number>`commands.attempts + 1` : eb.ref('commands.attempts'),
          updated_at: sql<Date>`now()`,
          ...(final ? { completed_at: sql<Date>`now()` } : {}),
          ...(extra.result ? { result: eb.ref('excluded.result') } : {}),
          ...(extra.error ? { error: eb.ref('excluded.error') } : {}),
        })),
      )
      .execute();
  }
}
