import { Kysely, sql } from 'kysely';

// Operational records. `audit_log` has no foreign keys on purpose: it must outlive what it talks about.
// `drift_reports` quarantines vendor payloads that no longer fit the schema, one row per
// (connection, entity, fingerprint) with a running count.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      tenant_id text,
      actor text not null,
      action text not null,
      target_type text,
      target_id text,
      details jsonb,
      request_id text,
      created_at timestamptz not null default now()
    );
    create index audit_log_tenant_created_idx on audit_log (tenant_id, created_at);

    create table drift_reports (
      id text primary key,
      tenant_id text not null,
      connection_id text not null,
      vendor text not null,
      entity_type text not null,
      kind text not null,
      fingerprint text not null,
      external_id text,
      raw jsonb not null,
      issues jsonb not null,
      occurrences integer not null default 1,
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      resolved_at timestamptz,
      unique (connection_id, entity_type, fingerprint),
      foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
    );
    create index drift_reports_tenant_last_seen_idx on drift_reports (tenant_id, last_seen_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table drift_reports;
    drop table audit_log;
  `.execute(db);
}
