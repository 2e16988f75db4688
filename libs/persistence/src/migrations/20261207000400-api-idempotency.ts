import { Kysely, sql } from 'kysely';

// The REST API's idempotency keys (apps/api, DESIGN "The REST API"): a write call's `Idempotency-Key`
// becomes its command's idempotency key. Per (tenant, key) the api keeps the request's fingerprint (method,
// path and body), the command it became, and once the command is final, the answer it gave: the same key
// and body replay that answer (`Idempotent-Replayed: true`), another body answers 422, a call still in
// flight 409. Rows expire after 24 h (a reuse after that is a new request).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table api_idempotency_keys (
      tenant_id text not null references tenants (id) on delete restrict,
      key text not null,
      fingerprint text not null,
      method text not null,
      path text not null,
      command_id text not null unique,
      connection_id text not null,
      actor text not null,
      state text not null default 'in_flight' check (state in ('in_flight', 'completed')),
      response_status integer,
      response_body jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (tenant_id, key),
      check ((state = 'completed') = (response_status is not null))
    );
    create index api_idempotency_keys_expires_at_idx on api_idempotency_keys (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table api_idempotency_keys;`.execute(db);
}
