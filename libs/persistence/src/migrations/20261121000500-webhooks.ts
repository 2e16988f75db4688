import { Kysely, sql } from 'kysely';

// Webhook delivery (Standard Webhooks). Signing secrets are stored encrypted; during rotation the
// previous secret stays valid until `previous_secret_expires_at`. Both blobs are encrypted under
// `key_id`. A message is one event for one endpoint (unique, so fan-out is idempotent); it keeps its
// own copy of the payload, so change_events can be pruned independently (no foreign key to it).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook_endpoints (
      id text primary key,
      tenant_id text not null references tenants (id) on delete restrict,
      url text not null,
      description text,
      event_types text[],
      secret_encrypted bytea not null,
      previous_secret_encrypted bytea,
      previous_secret_expires_at timestamptz,
      key_id text not null,
      disabled boolean not null default false,
      disabled_reason text,
      rate_limit_per_second integer check (rate_limit_per_second > 0),
      ordered boolean not null default false,
      failing_since timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, id)
    );
    create index webhook_endpoints_tenant_id_idx on webhook_endpoints (tenant_id);

    create table webhook_messages (
      id text primary key,
      tenant_id text not null,
      endpoint_id text not null,
      event_id text not null,
      event_type text not null,
      payload jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
      attempt_count integer not null default 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      retained_until timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (endpoint_id, event_id),
      foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade
    );
    create index webhook_messages_due_idx on webhook_messages (next_attempt_at) where status = 'pending';
    create index webhook_messages_endpoint_created_idx on webhook_messages (endpoint_id, created_at desc);
    create index webhook_messages_retained_until_idx on webhook_messages (retained_until);

    create table webhook_attempts (
      id text primary key,
      tenant_id text not null,
      message_id text not null references webhook_messages (id) on delete cascade,
      endpoint_id text not null,
      status_code integer,
      duration_ms integer not null,
      response_excerpt text,
      error text,
      created_at timestamptz not null default now()
    );
    create index webhook_attempts_message_idx on webhook_attempts (message_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table webhook_attempts;
    drop table webhook_messages;
    drop table webhook_endpoints;
  `.execute(db);
}
