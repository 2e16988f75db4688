import { Kysely, sql } from 'kysely';

// What the webhook dispatcher needs beyond the first webhook tables (20261121000500):
//
// - webhook_endpoints: vendor and connection filters beside the event-type filters, and when it was
//   disabled. The single previous-secret slot gives way to `webhook_endpoint_secrets`: every rotated-out
//   secret stays valid (and signs) until its own `expires_at`, so two rotations within the grace period
//   keep both older secrets working.
// - webhook_messages: per-entity ordering (`ordering_key` = the event's subject, set only for ordered
//   endpoints; `ordering_seq` = the CloudEvent sequence, else the stream sequence), the attempts of the
//   current schedule round (a resend or recovery starts a new round), why a message failed, the last
//   response, and the dispatcher replica holding its lease (`claimed_by`; `next_attempt_at` is the lease
//   end while an attempt runs). The claim index covers `endpoint_id` so the claim can skip saturated
//   endpoints without visiting the heap. The payload becomes the exact text delivered (not jsonb), stored
//   out of line (toast_tuple_target), so the claim and the completion, which rewrite the row, do not copy
//   the event each time.
// - webhook_attempts: attempt number, outcome, the URL called and the next attempt it scheduled.
// - webhook_operational_outbox: operational events (`endpoint.disabled`, `message.attempt.exhausted`)
//   written in the transaction that decided them, then published to FSM_EVENTS by a relay, so a crash
//   between the decision and the publish loses nothing.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table webhook_endpoints
      add column vendors text[],
      add column connection_ids text[],
      add column disabled_at timestamptz,
      drop column previous_secret_encrypted,
      drop column previous_secret_expires_at;

    create table webhook_endpoint_secrets (
      id text primary key,
      tenant_id text not null,
      endpoint_id text not null,
      secret_encrypted bytea not null,
      key_id text not null,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade
    );
    create index webhook_endpoint_secrets_endpoint_idx on webhook_endpoint_secrets (endpoint_id, expires_at);

    alter table webhook_messages
      add column ordering_key text,
      add column ordering_seq bigint not null default 0,
      add column scheduled_attempts integer not null default 0 check (scheduled_attempts >= 0),
      add column failure_reason text
        check (failure_reason in ('exhausted', 'aborted', 'endpoint_disabled')),
      add column last_status_code integer,
      add column last_error text,
      add column claimed_by text,
      add constraint webhook_messages_pending_due_check
        check (status <> 'pending' or next_attempt_at is not null);
    drop index webhook_messages_due_idx;
    create index webhook_messages_claim_idx on webhook_messages (next_attempt_at) include (endpoint_id)
      where status = 'pending';
    create index webhook_messages_ordering_idx on webhook_messages (endpoint_id, ordering_key, ordering_seq)
      where status = 'pending' and ordering_key is not null;
    -- The payload is kept as the exact text that is delivered and signed, byte for byte on every attempt
    -- (jsonb would reorder keys and reformat numbers). A claim and a completion each rewrite the message
    -- row; with the payload moved out of line they copy ~200 bytes instead of the whole event (a TOASTed
    -- value is shared by the row's versions).
    alter table webhook_messages alter column payload type text using payload::text;
    alter table webhook_messages set (toast_tuple_target = 128);

    alter table webhook_attempts
      add column attempt_number integer not null default 1 check (attempt_number > 0),
      add column outcome text not null default 'failed'
        check (outcome in ('succeeded', 'failed', 'timeout', 'network_error', 'refused')),
      add column url text,
      add column next_attempt_at timestamptz;

    create table webhook_operational_outbox (
      id text primary key,
      tenant_id text not null,
      subject text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    );
    create index webhook_operational_outbox_unpublished_idx on webhook_operational_outbox (created_at)
      where published_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table webhook_operational_outbox;

    alter table webhook_attempts
      drop column next_attempt_at,
      drop column url,
      drop column outcome,
      drop column attempt_number;

    alter table webhook_messages reset (toast_tuple_target);
    alter table webhook_messages alter column payload type jsonb using payload::jsonb;
    drop index webhook_messages_ordering_idx;
    drop index webhook_messages_claim_idx;
    create index webhook_messages_due_idx on webhook_messages (next_attempt_at) where status = 'pending';
    alter table webhook_messages
      drop constraint webhook_messages_pending_due_check,
      drop column claimed_by,
      drop column last_error,
      drop column last_status_code,
      drop column failure_reason,
      drop column scheduled_attempts,
      drop column ordering_seq,
      drop column ordering_key;

    drop table webhook_endpoint_secrets;

    alter table webhook_endpoints
      add column previous_secret_encrypted bytea,
      add column previous_secret_expires_at timestamptz,
      drop column disabled_at,
      drop column connection_ids,
      drop column vendors;
  `.execute(db);
}
