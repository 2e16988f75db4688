import type { Command, CommandResult } from '@fieldsync/canonical-model';
import type { DB, Json } from '@fieldsync/persistence';
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Transaction } from 'kysely';

/** How far a command got (migration 20261121001200-writer-recovery). */
export type RecoveryPoint = 'started' | 'vendor_call_started' | 'vendor_call_done';

/** The key's record as the executing writer sees it. */
export interface HeldKey {
  readonly tenantId: string;
  readonly key: string;
  readonly commandId: string;
  readonly recoveryPoint: RecoveryPoint;
  /** What the vendor returned, stored at `vendor_call_done`. */
  readonly recovery: unknown;
  /** When the key was first recorded: a search for the command's effect starts there. */
  readonly firstAttemptAt: Date;
  /** 1 on the first execution; more after a crash or a retriable failure. */
  readonly attempts: number;
  /**
   * The key was recorded by this very execution (no attempt before it): a recovery point past `started`
   * is then the one `begin` recorded up front, not a trace of an earlier attempt's vendor call.
   */
  readonly fresh: boolean;
}

export type BeginResult =
  /** This writer holds the key's lease and executes (a new key, a taken-over crash, a retriable failure's re-run). */
  | { readonly kind: 'execute'; readonly held: HeldKey }
  /** The key completed: its stored result. */
  | { readonly kind: 'replay'; readonly result: CommandResult; readonly commandId: string | null }
  /** The key was used with a different request. */
  | { readonly kind: 'reused' }
  /** Another execution holds a live lease on the key. */
  | { readonly kind: 'busy'; readonly commandId: string | null };

export interface BeginInput {
  readonly tenantId: string;
  readonly key: string;
  readonly commandId: string;
  readonly connectionId: string;
  readonly type: string;
  /** SHA-256 of the canonical request (type, connection, payload). */
  readonly requestHash: string;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly ttlMs: number;
  /**
   * The recovery point a new key is recorded at (default `started`). `vendor_call_started` for a command
   * with nothing to check before its vendor call (no booking): it says "the vendor may have the effect"
   * from the start, which is what a crash before the call needs too (the next attempt looks for the
   * marker first), and spares the separate commit before the call.
   */
  readonly initialPoint?: RecoveryPoint;
  /**
   * The command: when given, its `commands` row is recorded `in_progress` in the same statement (a new
   * key) or transaction (a taken-over key) as the key, instead of a commit of its own.
   */
  readonly command?: Command;
}

/** The lease was lost (another writer took the key over after it expired): stop, write nothing more. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * Idempotency keys, with the semantics of Stripe's and of the IETF Idempotency-Key draft: the key is
 * unique per tenant and recorded with the request's fingerprint before the vendor is touched; a
 * completed key returns its stored result; a different request under the key is refused; an
 * execution in flight holds a lease that a redelivery waits for, and takes over once it expired (the
 * holder crashed), resuming from the recorded recovery point. Every update of an executing key is
 * conditional on this writer still holding its lease.
 */
export class IdempotencyRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async begin(input: BeginInput): Promise<BeginResult> {
    const initialPoint = input.initialPoint ?? 'started';
    // A new key (the common case): one statement, one commit, with the command's row.
    const fresh = await sql<{ created_at: Date }>`
      with k as (
        insert into idempotency_keys (tenant_id, key, connection_id, command_id, type, request_hash, state,
          recovery_point, locked_by, locked_at, attempts, expires_at)
        values (${input.tenantId}, ${input.key}, ${input.connectionId}, ${input.commandId}, ${input.type},
          ${input.requestHash}, 'in_progress', ${initialPoint}, ${input.workerId}, now(), 1,
          now() + ${`${input.ttlMs} milliseconds`}::interval)
        on conflict (tenant_id, key) do nothing
        returning created_at
      )${input.command ? sql`, c as (${commandRowUpsert(input.command, 'in_progress', sql`from k`)})` : sql``}
      select created_at from k`.execute(this.db);
    const inserted = fresh.rows[0];
    if (inserted) {
      return {
        kind: 'execute',
        held: {
          tenantId: input.tenantId,
          key: input.key,
          commandId: input.commandId,
          recoveryPoint: initialPoint,
          recovery: null,
          firstAttemptAt: new Date(inserted.created_at),
          attempts: 1,
          fresh: true,
        },
      };
    }
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('idempotency_keys')
        .selectAll()
        .select(
          sql<boolean>`locked_at is not null and locked_at > now() - ${`${input.leaseMs} milliseconds`}::interval`.as(
            'lease_live',
          ),
        )
        .where('tenant_id', '=', input.tenantId)
        .where('key', '=', input.key)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (row.request_hash !== input.requestHash) return { kind: 'reused' };
      if (row.state === 'completed') {
        return { kind: 'replay', result: row.result as unknown as CommandResult, commandId: row.command_id };
      }
      if (row.state === 'in_progress' && row.lease_live) return { kind: 'busy', commandId: row.command_id };
      // A crashed holder (expired lease), a released lease (nak), or a retriable failure: run again from
      // the recovery point, under this command's id.
      const taken = await trx
        .updateTable('idempotency_keys')
        .set({
          state: 'in_progress',
          command_id: input.commandId,
          locked_by: input.workerId,
          locked_at: sql<Date>`now()`,
          attempts: sql<number>`attempts + 1`,
          updated_at: sql<Date>`now()`,
        })
        .where('tenant_id', '=', input.tenantId)
        .where('key', '=', input.key)
        .returning(['attempts', 'recovery_point', 'recovery', 'created_at'])
        .executeTakeFirstOrThrow();
      if (input.command) await commandRowUpsert(input.command, 'in_progress').execute(trx);
      return {
        kind: 'execute',
        held: {
          tenantId: input.tenantId,
          key: input.key,
          commandId: input.commandId,
          recoveryPoint: taken.recovery_point as RecoveryPoint,
          recovery: taken.recovery,
          firstAttemptAt: new Date(taken.created_at),
          attempts: taken.attempts,
          fresh: false,
        },
      };
    });
  }

  /** Renews the lease; false when another writer took the key over. */
  async renew(held: HeldKey, workerId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({ locked_at: sql<Date>`now()` })
      .where(heldBy(held, workerId))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records the recovery point (before and after each vendor call); throws LeaseLostError when not held. */
  async advance(held: HeldKey, workerId: string, point: RecoveryPoint, recovery?: unknown): Promise<void> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({
        recovery_point: point,
        ...(recovery === undefined ? {} : { recovery: JSON.stringify(recovery) as unknown as Json }),
        locked_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where(heldBy(held, workerId))
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) {
      throw new LeaseLostError(`idempotency key lease lost at ${point}`);
    }
  }

  /**
   * Stores the final result (succeeded, or a failure no retry can mend), in the caller's transaction
   * (which also stores the canonical records and their events). With `recovery` (what the vendor
   * returned), the key also records `vendor_call_done` in this same write; with `command`, the command's
   * row gets its final status in the same statement. Throws LeaseLostError when not held.
   */
  async complete(
    trx: Transaction<DB>,
    held: HeldKey,
    workerId: string,
    result: CommandResult,
    also: { recovery?: unknown; command?: Command } = {},
  ): Promise<void> {
    const { recovery, command } = also;
    const done = await sql<{ n: number }>`
      with k as (
        update idempotency_keys set
          state = 'completed',
          result = ${JSON.stringify(result)}::jsonb,
          response_status = ${statusCode(result)},
          ${recovery === undefined ? sql`` : sql`recovery_point = 'vendor_call_done', recovery = ${JSON.stringify(recovery)}::jsonb,`}
          locked_by = null,
          locked_at = null,
          updated_at = now()
        where tenant_id = ${held.tenantId} and key = ${held.key} and state = 'in_progress'
          and locked_by = ${workerId}
        returning 1
      )${command ? sql`, c as (${commandRowUpsert(command, result.status, sql`from k`, result)})` : sql``}
      select count(*)::int as n from k`.execute(trx);
    if ((done.rows[0]?.n ?? 0) === 0)
      throw new LeaseLostError('idempotency key lease lost before completion');
  }

  /**
   * `complete` for several keys in one statement (a group commit's keys): each key's update and its
   * command row, as `complete` does one. Throws LeaseLostError when any key was no longer this writer's
   * (the caller's transaction then rolls back, and each key can be completed alone).
   */
  async completeMany(
    trx: Transaction<DB>,
    workerId: string,
    entries: readonly { held: HeldKey; result: CommandResult; recovery?: unknown; command: Command }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const parts = entries.map(({ held, result, recovery, command }, i) => {
      const k = sql.raw(`k${i}`);
      return sql`${k} as (
        update idempotency_keys set
          state = 'completed',
          result = ${JSON.stringify(result)}::jsonb,
          response_status = ${statusCode(result)},
          ${recovery === undefined ? sql`` : sql`recovery_point = 'vendor_call_done', recovery = ${JSON.stringify(recovery)}::jsonb,`}
          locked_by = null,
          locked_at = null,
          updated_at = now()
        where tenant_id = ${held.tenantId} and key = ${held.key} and state = 'in_progress'
          and locked_by = ${workerId}
        returning 1
      ), ${sql.raw(`c${i}`)} as (${commandRowUpsert(command, result.status, sql`from ${k}`, result)})`;
    });
    const counts = sql.join(
      entries.map((_, i) => sql`(select count(*)::int from ${sql.raw(`k${i}`)})`),
      sql` + `,
    );
    const done = await sql<{ n: number }>`with ${sql.join(parts)} select ${counts} as n`.execute(trx);
    if ((done.rows[0]?.n ?? 0) !== entries.length)
      throw new LeaseLostError('idempotency key lease lost before completion (in a group)');
  }

  /**
   * Ends this execution without a final result (a transient failure, a nak for Retry-After, a shutdown):
   * the key keeps its recovery point and the same request may run again. `failed` says the attempt ended
   * in a failure the caller was told about; otherwise the lease is only released.
   */
  async release(held: HeldKey, workerId: string, state: 'in_progress' | 'failed'): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ state, locked_by: null, locked_at: null, updated_at: sql<Date>`now()` })
      .where(heldBy(held, workerId))
      .execute();
  }

  /**
   * Deletes up to `limit` keys past their expiry; an executing key (live lease) is left until it ends.
   * Returns how many were deleted.
   */
  async purgeExpired(limit: number, leaseMs: number): Promise<number> {
    const result = await sql<{ n: number }>`
      with doomed as (
        select tenant_id, key from idempotency_keys
        where expires_at < now()
          and not (state = 'in_progress' and locked_at is not null
                   and locked_at > now() - ${`${leaseMs} milliseconds`}::interval)
        order by expires_at
        limit ${limit}
        for update skip locked
      )
      delete from idempotency_keys k using doomed d
      where k.tenant_id = d.tenant_id and k.key = d.key
    `.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}

/**
 * The command's `commands` row (what the API lists): inserted, or updated when a delivery of the same
 * command id recorded it before (`in_progress` counts an attempt; a final status keeps the count and
 * stores the result's data or error). `source` (e.g. `from k`) makes it conditional on a CTE's row.
 */
function commandRowUpsert(
  command: Command,
  status: CommandResult['status'] | 'in_progress',
  source: RawBuilder<unknown> = sql``,
  result?: CommandResult,
): RawBuilder<unknown> {
  const final = status !== 'in_progress';
  const data = result?.status === 'succeeded' ? JSON.stringify(result.result ?? null) : null;
  const error = result && result.status !== 'succeeded' ? JSON.stringify(result.error ?? null) : null;
  return sql`
    insert into commands (command_id, tenant_id, connection_id, idempotency_key, type, payload, status,
      attempts, requested_at, started_at, completed_at, result, error)
    select ${command.commandId}, ${command.tenantId}, ${command.connectionId}, ${command.idempotencyKey},
      ${command.type}, ${JSON.stringify(command.payload)}::jsonb, ${status}, 1,
      ${new Date(command.requestedAt)}::timestamptz, now(), ${final ? sql`now()` : sql`null`},
      ${data}::jsonb, ${error}::jsonb ${source}
    on conflict (command_id) do update set
      status = excluded.status,
      attempts = ${final ? sql`commands.attempts` : sql`commands.attempts + 1`},
      updated_at = now()
      ${final ? sql`, completed_at = now()` : sql``}
      ${data === null ? sql`` : sql`, result = excluded.result`}
      ${error === null ? sql`` : sql`, error = excluded.error`}`;
}

/** The key's row while this writer executes it (its lease): every update of an executing key says so. */
function heldBy(held: HeldKey, workerId: string) {
  return (eb: ExpressionBuilder<DB, 'idempotency_keys'>) =>
    eb.and([
      eb('tenant_id', '=', held.tenantId),
      eb('key', '=', held.key),
      eb('state', '=', 'in_progress'),
      eb('locked_by', '=', workerId),
    ]);
}

/** An HTTP-like status for the stored result (the API's replay answers with it). */
function statusCode(result: CommandResult): number {
  if (result.status === 'succeeded') return 200;
  switch (result.error?.code) {
    case 'validation_failed':
      return 422;
    case 'idempotency_key_reused':
    case 'schedule_conflict':
      return 409;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'unsupported':
      return 501;
    default:
      return result.status === 'rejected' ? 400 : 502;
  }
}
