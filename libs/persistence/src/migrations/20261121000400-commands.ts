import { Kysely, sql } from 'kysely';

// The writer's state: idempotency keys (recorded with the request hash before the vendor is touched;
// `recovery_point` says how far a crashed attempt got) and the commands it received.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotency_keys (
      tenant_id text not null references tenants (id) on delete restrict,
      key text not null,
      connection_id text,
      command_id text,
      request_hash text not null,
      state text not null default 'in_progress' check (state in ('in_progress', 'completed', 'failed')),
      recovery_point text not null default 'started',
      locked_at timestamptz,
      result jsonb,
      response_status integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (tenant_id, key)
    );
    create index idempotency_keys_expires_at_idx on idempotency_keys (expires_at);

    create table commands (
      command_id text primary key,
      tenant_id text not null,
      connection_id text not null,
      idempotency_key text not null,
      type text not null,
      payload jsonb not null,
      status text not null default 'received'
        check (status in ('received', 'in_progress', 'succeeded', 'failed', 'rejected')),
      attempts integer not null default 0,
      result jsonb,
      error jsonb,
      requested_at timestamptz,
      started_at timestamptz,
      completed_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
    );
    create index commands_tenant_created_idx on commands (tenant_id, created_at);
    create index commands_open_idx on commands (status, created_at) where status in ('received', 'in_progress');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table commands;
    drop table idempotency_keys;
  `.execute(db);
}
