import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import { Kysely, sql } from 'kysely';
import { createDatabase } from './database.factory';
import { checkDatabase } from './database-health.util';
import type { DB } from './generated/db.types';
import { migrateDown, migrateToLatest } from './migration.runner';
import { MIGRATIONS } from './migrations/migration.provider';
import { PersistenceErrorCode } from './persistence.error';

// Written out rather than derived from the migrations, so a table dropped by mistake fails here.
const TABLES = [
  'api_idempotency_keys', 'api_keys', 'appointments', 'attachments', 'audit_log', 'change_events', 'commands', 'communications',
  'connection_sequences', 'connections', 'contacts', 'customers', 'drift_reports', 'equipment', 'estimates',
  'idempotency_keys', 'invoices', 'jobs', 'leads', 'locations', 'memberships', 'mfa_messages', 'payments', 'pricebook_items',
  'purchase_orders', 'refunds', 'sessions', 'stock_levels', 'sync_cursors', 'technicians', 'tenant_event_sequences',
  'tenants', 'timesheet_entries', 'warehouses', 'webhook_attempts', 'webhook_endpoint_secrets', 'webhook_endpoints',
  'webhook_messages',
]; // prettier-ignore
const ALL = MIGRATIONS.map(([name]) => name);

async function publicTables(db: Kysely<DB>): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_migration%' order by 1`.execute(db);
  return result.rows.map((row) => row.name);
}

/** Everything in the public schema that is not Kysely's bookkeeping: tables, indexes, sequences, types. */
async function leftovers(db: Kysely<DB>): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and relname not like 'kysely_migration%'
    union all
    select typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = 'public' and typname not like '%kysely_migration%'
    union all
    select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'`.execute(
    db,
  );
  return result.rows.map((row) => row.name);
}

describe('migrations on a fresh database', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await createTestDatabase('persistence_migrations');
    db = createDatabase({ url: database.url, poolMax: 4 });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('reports the schema as behind before anything is migrated', async () => {
    await expect(checkDatabase(db)).rejects.toMatchObject({
      code: PersistenceErrorCode.SchemaBehind,
      message: expect.stringContaining(`${ALL.length} migration(s) pending`) as unknown,
    });
  });

  it('goes up, creating every table, and a second run has nothing to do', async () => {
    await expect(migrateToLatest(db)).resolves.toEqual({ direction: 'up', applied: ALL });
    expect(await publicTables(db)).toEqual(TABLES);
    await expect(checkDatabase(db)).resolves.toBeUndefined();
    await expect(migrateToLatest(db)).resolves.toEqual({ direction: 'up', applied: [] });
  });

  it('goes down one step, reverting only the last migration', async () => {
    const last = ALL[ALL.length - 1];
    const payloadType = async (): Promise<string | undefined> =>
      (
        await sql<{ data_type: string }>`
          select data_type from information_schema.columns
          where table_schema = 'public' and table_name = 'change_events' and column_name = 'payload'`.execute(
          db,
        )
      ).rows[0]?.data_type;
    const column = async (table: string, name: string): Promise<boolean> =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from information_schema.columns
          where table_schema = 'public' and table_name = ${table} and column_name = ${name}`.execute(db)
      ).rows[0]?.n === 1;
    const nullable = async (table: string, name: string): Promise<string | undefined> =>
      (
        await sql<{ is_nullable: string }>`
          select is_nullable from information_schema.columns
          where table_schema = 'public' and table_name = ${table} and column_name = ${name}`.execute(db)
      ).rows[0]?.is_nullable;
    const index = async (name: string): Promise<boolean> =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from pg_indexes where schemaname = 'public' and indexname = ${name}`.execute(
          db,
        )
      ).rows[0]?.n === 1;
    const dataType = async (table: string, name: string): Promise<string | undefined> =>
      (
        await sql<{ data_type: string }>`
          select data_type from information_schema.columns
          where table_schema = 'public' and table_name = ${table} and column_name = ${name}`.execute(db)
      ).rows[0]?.data_type;
    expect(await dataType('api_idempotency_keys', 'response_body')).toBe('text');
    expect(await column('sync_cursors', 'reconcile_requested_at')).toBe(true);
    expect(await nullable('change_events', 'connection_id')).toBe('YES');
    const assignmentFunctions = async (): Promise<string[]> =>
      (
        await sql<{ proname: string }>`
          select proname from pg_proc where proname in ('assignment_key', 'assignment_keys') order by proname`.execute(
          db,
        )
      ).rows.map((r) => r.proname);
    expect(await index('jobs_assignment_keys_idx')).toBe(true);
    expect(await assignmentFunctions()).toEqual(['assignment_key', 'assignment_keys']);
    await expect(migrateDown(db, { steps: 1 })).resolves.toEqual({ direction: 'down', applied: [last] });
    // The last migration (the assignment keys of the REST API's hot list) added two functions and two
    // indexes; the earlier ones stay.
    expect(await index('jobs_assignment_keys_idx')).toBe(false);
    expect(await index('appointments_assignment_keys_idx')).toBe(false);
    expect(await assignmentFunctions()).toEqual([]);
    expect(await column('sync_cursors', 'reconcile_requested_at')).toBe(true);
    expect(await dataType('api_idempotency_keys', 'response_body')).toBe('text');
    expect(await index('change_events_tenant_position_idx')).toBe(true);
    expect(await index('jobs_tenant_cursor_idx')).toBe(true);
    expect(await column('sync_cursors', 'lease_token')).toBe(true);
    expect(await column('sync_cursors', 'lease_owner')).toBe(true);
    expect(await nullable('change_events', 'connection_id')).toBe('YES');
    expect(await column('idempotency_keys', 'recovery')).toBe(true);
    expect(await column('change_events', 'position')).toBe(true);
    expect(await payloadType()).toBe('text');
    expect(await publicTables(db)).toEqual(TABLES);
    await expect(checkDatabase(db)).rejects.toMatchObject({ code: PersistenceErrorCode.SchemaBehind });
  });

  it('goes down to zero leaving nothing behind, and up again', async () => {
    const report = await migrateDown(db, { to: 'zero' });
    expect(report.applied).toEqual(ALL.slice(0, -1).reverse());
    expect(await leftovers(db)).toEqual([]);
    await expect(migrateToLatest(db)).resolves.toEqual({ direction: 'up', applied: ALL });
    expect(await publicTables(db)).toEqual(TABLES);
  });

  it('treats more steps than applied migrations as "to zero"', async () => {
    const report = await migrateDown(db, { steps: ALL.length + 5 });
    expect(report.applied).toHaveLength(ALL.length);
    expect(await publicTables(db)).toEqual([]);
  });
});

describe('the one-change-log migration', () => {
  it("carries the dispatcher's unpublished operational events into change_events, numbered per tenant", async () => {
    const database = await createTestDatabase('persistence_migration_oplog');
    const db = createDatabase({ url: database.url, poolMax: 2 });
    try {
      await migrateToLatest(db);
      // Back to before the one-change-log migration (and every one after it).
      const oneChangeLog = ALL.indexOf('20261207000100-one-change-log');
      expect(oneChangeLog).toBeGreaterThan(0);
      await migrateDown(db, { steps: ALL.length - oneChangeLog });
      await sql`insert into tenants (id, name) values ('ten_m', 'M')`.execute(db);
      const payload = (id: string, endpointId: string) =>
        JSON.stringify({
          specversion: '1.0',
          id,
          source: 'fieldsync/webhooks',
          type: 'endpoint.disabled',
          subject: endpointId,
          time: '2026-12-01T00:00:00.000Z',
          datacontenttype: 'application/json',
          tenantid: 'ten_m',
          data: { endpointId, reason: 'manual', failingSince: null, lastStatusCode: null },
        });
      await sql`
        insert into webhook_operational_outbox (id, tenant_id, subject, payload, created_at, published_at) values
          ('evt_01KB0000000000000000000002', 'ten_m', 'fsm.events.ten_m.fieldsync.endpoint.disabled',
           ${payload('evt_01KB0000000000000000000002', 'ep_2')}::jsonb, '2026-12-01T00:00:02Z', null),
          ('evt_01KB0000000000000000000001', 'ten_m', 'fsm.events.ten_m.fieldsync.endpoint.disabled',
           ${payload('evt_01KB0000000000000000000001', 'ep_1')}::jsonb, '2026-12-01T00:00:01Z', null),
          ('evt_01KB0000000000000000000000', 'ten_m', 'fsm.events.ten_m.fieldsync.endpoint.disabled',
           ${payload('evt_01KB0000000000000000000000', 'ep_0')}::jsonb, '2026-12-01T00:00:00Z', now())`.execute(
        db,
      );
      await migrateToLatest(db);
      const rows = await sql<{ id: string; sequence: string; entity_id: string; payload: string }>`
        select id, sequence, entity_id, payload from change_events order by sequence`.execute(db);
      expect(rows.rows.map((r) => [r.id, String(r.sequence), r.entity_id])).toEqual([
        ['evt_01KB0000000000000000000001', '1', 'ep_1'],
        ['evt_01KB0000000000000000000002', '2', 'ep_2'],
      ]);
      expect(rows.rows.map((r) => (JSON.parse(r.payload) as { sequence: string }).sequence)).toEqual([
        '0000000000000001',
        '0000000000000002',
      ]);
      const counter = await sql<{ last_sequence: string }>`
        select last_sequence from tenant_event_sequences where tenant_id = 'ten_m'`.execute(db);
      expect(String(counter.rows[0]?.last_sequence)).toBe('2');
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});

describe('a failing migration', () => {
  it('names the migration and applies nothing (one transaction)', async () => {
    const database = await createTestDatabase('persistence_migration_fail');
    const db = createDatabase({ url: database.url, poolMax: 2 });
    try {
      await sql`create table webhook_endpoints (id int)`.execute(db);
      const failure = migrateToLatest(db);
      await expect(failure).rejects.toMatchObject({ code: PersistenceErrorCode.MigrationFailed });
      await expect(failure).rejects.toThrow(
        /Migration 20261121000500-webhooks \(up\) failed: .*already exists/,
      );
      expect(await publicTables(db)).toEqual(['webhook_endpoints']);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});

describe("the application's statement timeout", () => {
  it('does not cancel migrations, and stays the connection setting for queries afterwards', async () => {
    const database = await createTestDatabase('persistence_migration_timeout');
    // 1 ms: creating the canonical store's tables takes longer than that on any machine.
    const db = createDatabase({ url: database.url, poolMax: 1, statementTimeoutMs: 1 });
    try {
      await expect(migrateToLatest(db)).resolves.toMatchObject({ applied: ALL });
      await expect(migrateDown(db, { steps: 1 })).resolves.toMatchObject({ direction: 'down' });
      await expect(migrateToLatest(db)).resolves.toMatchObject({ applied: [ALL[ALL.length - 1]] });
      const timeout = await sql<{
        timeout: string;
      }>`select current_setting('statement_timeout') as timeout`.execute(db);
      expect(timeout.rows[0]?.timeout).toBe('1ms');
      await expect(sql`select pg_sleep(0.05)`.execute(db)).rejects.toThrow(/statement timeout/);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});

describe('concurrent migrators', () => {
  it('serialise on one database: all succeed and every migration runs exactly once', async () => {
    const database = await createTestDatabase('persistence_migration_race');
    const migrators = Array.from({ length: 3 }, () => createDatabase({ url: database.url, poolMax: 2 }));
    const db = createDatabase({ url: database.url, poolMax: 1 });
    try {
      const reports = await Promise.all(migrators.map((each) => migrateToLatest(each)));
      const applied = reports.flatMap((report) => report.applied);
      expect([...applied].sort()).toEqual(ALL);
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      expect(rows.rows.map((row) => row.name)).toEqual(ALL);
    } finally {
      await Promise.all([...migrators, db].map((each) => each.destroy()));
      await database.drop();
    }
  });
});
