import { DATABASE, type DB, type WebhookAttempts, type WebhookMessages } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AttemptOutcome } from './retry.policy';

export type MessageRow = Omit<Selectable<WebhookMessages>, 'payload'>;
export type AttemptRow = Selectable<WebhookAttempts>;
export type MessageStatus = 'pending' | 'succeeded' | 'failed';
export type FailureReason = 'exhausted' | 'aborted' | 'endpoint_disabled';

/** One (event, endpoint) pair recorded by fan-out. */
export interface NewMessage {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** The CloudEvent exactly as it arrived (JSON text). */
  body: string;
  orderingKey: string | null;
  /** Decimal string (int8). */
  orderingSeq: string;
  retainedUntil: Date;
  /** Recorded already claimed by this replica (handed straight to its worker), until `now() + leaseMs`. */
  lease?: { owner: string; leaseMs: number };
}

/** A message this replica holds the lease of. */
export interface ClaimedMessage {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** The payload as delivered: the event as published, the same bytes on every attempt. */
  body: string;
  attemptCount: number;
  scheduledAttempts: number;
  createdAt: Date;
  /** When it was due (before the claim moved next_attempt_at to the lease end). */
  dueAt: Date;
  leaseUntil: Date;
}

export interface NewAttempt {
  id: string;
  tenantId: string;
  messageId: string;
  endpointId: string;
  attemptNumber: number;
  url: string;
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
  nextAttemptAt: Date | null;
  at: Date;
}

/** The message's state after an attempt. */
export interface MessageOutcome {
  id: string;
  status: MessageStatus;
  nextAttemptAt: Date | null;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  failureReason: FailureReason | null;
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempt_count: number;
  scheduled_attempts: number;
  created_at: Date;
  due_at: Date;
  lease_until: Date;
}

const MESSAGE_COLUMNS = [
  'id',
  'tenant_id',
  'endpoint_id',
  'event_id',
  'event_type',
  'status',
  'failure_reason',
  'attempt_count',
  'scheduled_attempts',
  'next_attempt_at',
  'last_attempt_at',
  'last_status_code',
  'last_error',
  'ordering_key',
  'ordering_seq',
  'claimed_by',
  'retained_until',
  'created_at',
  'updated_at',
] as const;

/** Rows per INSERT statement (Postgres allows 65535 bind parameters). */
const INSERT_CHUNK = 1_000;

/**
 * webhook_messages and webhook_attempts: the delivery ledger. Delivery claims due messages with
 * `FOR UPDATE SKIP LOCKED` and a lease (next_attempt_at moved to the lease end, claimed_by set), so any
 * number of dispatcher replicas share the work and a crashed one's messages come due again by themselves.
 */
@Injectable()
export class MessageRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  /**
   * Records fan-out rows and returns the ids it inserted; a pair already recorded (a redelivered event)
   * is left as it is, under its first message id.
   */
  async insertFanout(trx: Transaction<DB>, messages: readonly NewMessage[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
      const chunk = messages.slice(i, i + INSERT_CHUNK);
      const rows = await trx
        .insertInto('webhook_messages')
        .values(
          chunk.map((m) => ({
            id: m.id,
            tenant_id: m.tenantId,
            endpoint_id: m.endpointId,
            event_id: m.eventId,
            event_type: m.eventType,
            payload: m.body,
            status: 'pending',
            next_attempt_at: m.lease
              ? sql<Date>`now() + make_interval(secs => ${m.lease.leaseMs / 1_000})`
              : sql<Date>`now()`,
            claimed_by: m.lease?.owner ?? null,
            retained_until: m.retainedUntil,
            ordering_key: m.orderingKey,
            ordering_seq: m.orderingSeq,
          })),
        )
        .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
        .returning('id')
        .execute();
      for (const row of rows) inserted.add(row.id);
    }
    return inserted;
  }

  /**
   * Claims up to `limit` due messages, oldest due first, skipping rows another replica is claiming,
   * endpoints in `excluded` (saturated here), and — for ordered endpoints — every message that has an
   * earlier pending message of the same entity (so at most one per entity is in flight, in order).
   */
  async claim(
    limit: number,
    excluded: readonly string[],
    owner: string,
    leaseMs: number,
  ): Promise<ClaimedMessage[]> {
    const { rows } = await sql<ClaimedRow>`
      with due as (
        select m.id, m.next_attempt_at as due_at
        from webhook_messages m
        where m.status = 'pending'
          and m.next_attempt_at <= now()
          and m.endpoint_id <> all(${[...excluded]}::text[])
          and (m.ordering_key is null or not exists (
            select 1 from webhook_messages p
            where p.endpoint_id = m.endpoint_id
              and p.ordering_key = m.ordering_key
              and p.status = 'pending'
              and (p.ordering_seq, p.id) < (m.ordering_seq, m.id)))
        order by m.next_attempt_at
        limit ${limit}
        for update of m skip locked
      )
      update webhook_messages m
      set next_attempt_at = now() + make_interval(secs => ${leaseMs / 1_000}),
          claimed_by = ${owner},
          updated_at = now()
      from due
      where m.id = due.id
      returning m.id, m.tenant_id, m.endpoint_id, m.event_id, m.event_type, m.payload as body,
                m.attempt_count, m.scheduled_attempts, m.created_at, due.due_at,
                m.next_attempt_at as lease_until`.execute(this.db);
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      endpointId: r.endpoint_id,
      eventId: r.event_id,
      eventType: r.event_type,
      body: r.body,
      attemptCount: r.attempt_count,
      scheduledAttempts: r.scheduled_attempts,
      createdAt: r.created_at,
      dueAt: r.due_at,
      leaseUntil: r.lease_until,
    }));
  }

  /**
   * Gives claimed messages back without an attempt (shutdown, lease running out before their turn),
   * due again after `delayMs`.
   */
  async release(ids: readonly string[], owner: string, delayMs = 0): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db
      .updateTable('webhook_messages')
      .set({
        next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1_000})`,
        claimed_by: null,
        updated_at: new Date(),
      })
      .where('id', 'in', ids)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Fails claimed messages whose endpoint turned out to be disabled (`endpoint_disabled`). */
  async failClaimedOfDisabled(ids: readonly string[], owner: string): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db
      .updateTable('webhook_messages')
      .set({
        status: 'failed',
        failure_reason: 'endpoint_disabled',
        next_attempt_at: null,
        claimed_by: null,
        updated_at: new Date(),
      })
      .where('id', 'in', ids)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Fails the pending messages of disabled endpoints (`endpoint_disabled`); `recover` brings them back. */
  async failPendingOfEndpoints(
    trx: Transaction<DB> | Kysely<DB>,
    endpointIds: readonly string[],
  ): Promise<number> {
    if (endpointIds.length === 0) return 0;
    const result = await trx
      .updateTable('webhook_messages')
      .set({
        status: 'failed',
        failure_reason: 'endpoint_disabled',
        next_attempt_at: null,
        claimed_by: null,
        updated_at: new Date(),
      })
      .where('endpoint_id', 'in', endpointIds)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Locks the rows of these messages that still exist (an endpoint may have been deleted meanwhile). */
  async lockExisting(trx: Transaction<DB>, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await trx
      .selectFrom('webhook_messages')
      .select('id')
      .where('id', 'in', [...ids].sort())
      .orderBy('id')
      .forUpdate()
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  async insertAttempts(trx: Transaction<DB>, attempts: readonly NewAttempt[]): Promise<void> {
    for (let i = 0; i < attempts.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('webhook_attempts')
        .values(
          attempts.slice(i, i + INSERT_CHUNK).map((a) => ({
            id: a.id,
            tenant_id: a.tenantId,
            message_id: a.messageId,
            endpoint_id: a.endpointId,
            attempt_number: a.attemptNumber,
            url: a.url,
            outcome: a.outcome,
            status_code: a.statusCode,
            duration_ms: a.durationMs,
            response_excerpt: a.responseExcerpt,
            error: a.error,
            next_attempt_at: a.nextAttemptAt,
            created_at: a.at,
          })),
        )
        .execute();
    }
  }

  /**
   * Applies attempt outcomes to messages this replica still holds. A success always lands; a retry or a
   * failure only on a message that is still pending (a disabled endpoint's messages stay failed).
   * Returns the ids it updated.
   */
  async applyOutcomes(
    trx: Transaction<DB>,
    owner: string,
    outcomes: readonly MessageOutcome[],
  ): Promise<Set<string>> {
    if (outcomes.length === 0) return new Set();
    const values = sql.join(
      outcomes.map(
        (o) =>
          sql`(${o.id}::text, ${o.status}::text, ${o.nextAttemptAt}::timestamptz, ${o.attemptedAt}::timestamptz,
               ${o.statusCode}::integer, ${o.error}::text, ${o.failureReason}::text)`,
      ),
    );
    const { rows } = await sql<{ id: string }>`
      update webhook_messages m
      set status = v.status,
          attempt_count = m.attempt_count + 1,
          scheduled_attempts = m.scheduled_attempts + 1,
          next_attempt_at = v.next_attempt_at,
          last_attempt_at = v.attempted_at,
          last_status_code = v.status_code,
          last_error = v.error,
          failure_reason = v.failure_reason,
          claimed_by = null,
          updated_at = now()
      from (values ${values}) as v(id, status, next_attempt_at, attempted_at, status_code, error, failure_reason)
      where m.id = v.id
        and m.claimed_by = ${owner}
        and (v.status = 'succeeded' or m.status = 'pending')
      returning m.id`.execute(trx);
    return new Set(rows.map((r) => r.id));
  }

  /** Newest first; `before` is the id of the last message of the previous page. */
  async listByEndpoint(
    tenantId: string,
    endpointId: string,
    options: { limit: number; before?: string; status?: MessageStatus },
  ): Promise<MessageRow[]> {
    let query = this.db
      .selectFrom('webhook_messages')
      .select(MESSAGE_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('endpoint_id', '=', endpointId);
    if (options.before !== undefined) {
      const before = options.before;
      // keyset on the (endpoint_id, created_at desc) index: rows older than the cursor message
      query = query.where((eb) =>
        eb(
          eb.refTuple('created_at', 'id'),
          '<',
          eb
            .selectFrom('webhook_messages as cursor')
            .select(['cursor.created_at', 'cursor.id'])
            .where('cursor.id', '=', before)
            .where('cursor.tenant_id', '=', tenantId)
            .$asTuple('created_at', 'id'),
        ),
      );
    }
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  }

  async find(tenantId: string, id: string): Promise<(MessageRow & { payload: string }) | undefined> {
    return this.db
      .selectFrom('webhook_messages')
      .select([...MESSAGE_COLUMNS, 'payload'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Attempts of a message, oldest first. */
  async listAttempts(tenantId: string, messageId: string, limit: number): Promise<AttemptRow[]> {
    return this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('message_id', '=', messageId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Puts one message back in line now, with a fresh retry schedule (same `webhook-id`). */
  async resend(tenantId: string, id: string): Promise<MessageRow | undefined> {
    return this.db
      .updateTable('webhook_messages')
      .set({
        status: 'pending',
        next_attempt_at: sql<Date>`now()`,
        scheduled_attempts: 0,
        failure_reason: null,
        claimed_by: null,
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returning(MESSAGE_COLUMNS)
      .executeTakeFirst();
  }

  /** Puts every failed message of the endpoint created in [since, until) back in line; returns how many. */
  async recover(tenantId: string, endpointId: string, since: Date, until: Date): Promise<number> {
    const result = await this.db
      .updateTable('webhook_messages')
      .set({
        status: 'pending',
        next_attempt_at: sql<Date>`now()`,
        scheduled_attempts: 0,
        failure_reason: null,
        claimed_by: null,
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'failed')
      .where('created_at', '>=', since)
      .where('created_at', '<', until)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Deletes up to `limit` finished messages (and their attempts) past their retention. */
  async deleteExpired(limit: number): Promise<number> {
    const result = await sql`
      delete from webhook_messages
      where id in (
        select id from webhook_messages
        where retained_until < now() and status <> 'pending'
        limit ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
