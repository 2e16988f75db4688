import { Kysely, sql } from 'kysely';

// The outbox and event log, the per-connection sequence counter, and the sync cursors.
//
// `connection_sequences` makes sequence allocation transactional and gap-free: a writer bumps the
// counter with an upsert inside the same transaction that inserts the events, so the row lock
// serialises writers of one connection and a rollback returns the numbers.
// `change_events.subject` is the NATS subject the relay publishes to; `entity_id` is the CloudEvent
// subject (the canonical id).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table connection_sequences (
      connection_id text primary key,
      tenant_id text not null,
      last_sequence bigint not null default 0 check (last_sequence >= 0),
      updated_at timestamptz not null default now(),
      foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
    );

    create table change_events (
      id text primary key,
      tenant_id text not null,
      connection_id text not null,
      sequence bigint not null check (sequence > 0),
      subject text not null,
      type text not null,
      entity_type text not null,
      entity_id text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz,
      unique (connection_id, sequence),
      foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
    );
    create index change_events_unpublished_idx on change_events (created_at, connection_id, sequence)
      where published_at is null;
    create index change_events_tenant_created_idx on change_events (tenant_id, created_at);
    create index change_events_tenant_entity_idx on change_events (tenant_id, entity_id, sequence);

    create table sync_cursors (
      connection_id text not null,
      entity_type text not null,
      tenant_id text not null,
      cursor jsonb,
      interval_seconds integer not null default 300 check (interval_seconds > 0),
      next_run_at timestamptz not null default now(),
      last_run_at timestamptz,
      last_success_at timestamptz,
      last_error text,
      last_error_at timestamptz,
      consecutive_failures integer not null default 0,
      lease_owner text,
      lease_expires_at timestamptz,
      sync_generation bigint not null default 0,
      records_synced bigint not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (connection_id, entity_type),
      check ((lease_owner is null) = (lease_expires_at is null)),
      foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
    );
    create index sync_cursors_next_run_at_idx on sync_cursors (next_run_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table sync_cursors;
    drop table change_events;
    drop table connection_sequences;
  `.execute(db);
}
