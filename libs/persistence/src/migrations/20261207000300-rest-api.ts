import { Kysely, sql } from 'kysely';

// The REST API (apps/api, DESIGN "The REST API").
//
// - `api_keys` learns who made and who revoked a key (`operator` or `key:<id>`), and its scopes are
//   limited to read, write and admin. A key's secret is never stored: `key_hash` is a KDF (scrypt) of it.
// - Every collection the API lists pages by an opaque keyset cursor on (updated_at, id) over the live
//   rows, for the whole tenant or one connection; the product pages' filters each get an index (the
//   canonical-store migration already indexes status, tags, technicians, scheduled_start and region/city).
//
// This file is frozen once released: the table list below is local on purpose.

const LISTED = [
  'customers',
  'locations',
  'technicians',
  'jobs',
  'appointments',
  'estimates',
  'invoices',
  'payments',
  'pricebook_items',
  'memberships',
  'equipment',
  'leads',
] as const;

const PLACED = ['customers', 'locations', 'jobs', 'leads'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table api_keys
      add column created_by text not null default 'operator',
      add column revoked_by text,
      add constraint api_keys_scopes_check
        check (cardinality(scopes) > 0 and scopes <@ array['read', 'write', 'admin']::text[]);
  `.execute(db);
  const statements = [
    ...LISTED.flatMap((t) => [
      `create index ${t}_tenant_cursor_idx on ${t} (tenant_id, updated_at, id) where deleted_at is null`,
      `create index ${t}_connection_cursor_idx on ${t} (connection_id, updated_at, id) where deleted_at is null`,
      `create index ${t}_tenant_vendor_updated_idx on ${t} (tenant_id, vendor_updated_at) where deleted_at is null`,
    ]),
    ...PLACED.map((t) => `create index ${t}_tenant_city_idx on ${t} (tenant_id, city)`),
    // the hot list: GET /jobs?status=…&technicianId=… in cursor order
    `create index jobs_tenant_status_cursor_idx on jobs (tenant_id, status, updated_at, id) where deleted_at is null`,
    `create index appointments_tenant_status_cursor_idx on appointments (tenant_id, status, updated_at, id) where deleted_at is null`,
    `create index invoices_tenant_issued_on_idx on invoices (tenant_id, issued_on)`,
    `create index payments_tenant_paid_at_idx on payments (tenant_id, paid_at)`,
    `create index estimates_tenant_vendor_created_idx on estimates (tenant_id, vendor_created_at)`,
  ];
  await sql.raw(statements.join(';\n') + ';').execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const statements = [
    ...LISTED.flatMap((t) => [
      `drop index ${t}_tenant_cursor_idx`,
      `drop index ${t}_connection_cursor_idx`,
      `drop index ${t}_tenant_vendor_updated_idx`,
    ]),
    ...PLACED.map((t) => `drop index ${t}_tenant_city_idx`),
    'drop index jobs_tenant_status_cursor_idx',
    'drop index appointments_tenant_status_cursor_idx',
    'drop index invoices_tenant_issued_on_idx',
    'drop index payments_tenant_paid_at_idx',
    'drop index estimates_tenant_vendor_created_idx',
    'alter table api_keys drop constraint api_keys_scopes_check, drop column revoked_by, drop column created_by',
  ];
  await sql.raw(statements.join(';\n') + ';').execute(db);
}
