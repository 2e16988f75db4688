import { Kysely, sql } from 'kysely';

// The REST API's hot list, `GET /jobs?status=…&technicianId=…` (and the same on /appointments): over a
// million jobs neither single-column index answers it well. The status index walks every scheduled job
// of the tenant in cursor order and drops the other technicians' (about 200 rows read per row kept), and
// the page's `total` intersects a bitmap of every scheduled job with one of the technician's jobs (tens
// of milliseconds). One GIN index on an expression holds both filters together: per row the keys
// `<tenant>␟*␟<technician>` and `<tenant>␟<status>␟<technician>` (␟ = U+001F), so the call's
// (tenant, status?, technician) is one key and Postgres reads exactly the matching rows, for the page
// and for its count.
//
// The planner must know how few rows a key matches. Statistics of a GIN index's expression do not help
// (ANALYZE sees the index's key type, text, not the array), so it guessed 0.5 % (the default for `@>`)
// where 0.06 % match, and walked the tenant's cursor index computing the keys of every job until 51
// matched (1.2–2 s over a million jobs). Extended statistics on the expression (PostgreSQL 14+) keep the
// frequencies of its elements, up to 10,000 keys with the target of 1,000: every technician and status.
//
// This file is frozen once released: the function bodies are local on purpose.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function assignment_key(tenant_id text, status text, technician_id text) returns text
      language sql immutable parallel safe
      return tenant_id || chr(31) || coalesce(status, '*') || chr(31) || technician_id;

    create function assignment_keys(tenant_id text, status text, technician_ids text[]) returns text[]
      language plpgsql immutable parallel safe
    as $$
    declare
      keys text[] := '{}';
      technician text;
    begin
      foreach technician in array coalesce(technician_ids, '{}') loop
        keys := keys || assignment_key(tenant_id, null, technician);
        if status is not null then
          keys := keys || assignment_key(tenant_id, status, technician);
        end if;
      end loop;
      return keys;
    end
    $$;

    create index jobs_assignment_keys_idx on jobs
      using gin (assignment_keys(tenant_id, status, technician_ids)) where deleted_at is null;
    create index appointments_assignment_keys_idx on appointments
      using gin (assignment_keys(tenant_id, status, technician_ids)) where deleted_at is null;
    create statistics jobs_assignment_keys_stats on (assignment_keys(tenant_id, status, technician_ids)) from jobs;
    alter statistics jobs_assignment_keys_stats set statistics 1000;
    create statistics appointments_assignment_keys_stats
      on (assignment_keys(tenant_id, status, technician_ids)) from appointments;
    alter statistics appointments_assignment_keys_stats set statistics 1000;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop statistics appointments_assignment_keys_stats;
    drop statistics jobs_assignment_keys_stats;
    drop index appointments_assignment_keys_idx;
    drop index jobs_assignment_keys_idx;
    drop function assignment_keys(text, text, text[]);
    drop function assignment_key(text, text, text);
  `.execute(db);
}
