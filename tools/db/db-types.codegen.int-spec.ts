import { readFile } from 'node:fs/promises';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import { sql } from 'kysely';
import { DB_TYPES_PATH, firstDifference, renderDbTypes } from './db-types.codegen';

// Spawns `node -r @swc-node/register` / renders types: slower than jest's 5 s default.
jest.setTimeout(20_000);

describe('the generated DB type', () => {
  let database: TestDatabase;
  let fresh: string;

  beforeAll(async () => {
    database = await createTestDatabase('codegen');
    const db = createDatabase({ url: database.url, poolMax: 2 });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    fresh = await renderDbTypes(database.url);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('is committed up to date with the migrations (what db:codegen:check enforces)', async () => {
    const committed = await readFile(DB_TYPES_PATH, 'utf8');
    expect(firstDifference(fresh, committed)).toBeUndefined();
  });

  it('renders deterministically', async () => {
    expect(await renderDbTypes(database.url)).toBe(fresh);
  });

  it('is detected as stale when the copy was edited or the schema moved on', async () => {
    const edited = fresh.replace('  vendor_status: string | null;\n', '');
    expect(firstDifference(fresh, edited)).toBeGreaterThan(1);

    const db = createDatabase({ url: database.url, poolMax: 1 });
    try {
      await sql`alter table tenants add column plan text`.execute(db);
    } finally {
      await db.destroy();
    }
    const moved = await renderDbTypes(database.url);
    expect(moved).toContain('plan: string | null;');
    expect(firstDifference(moved, fresh)).toBeDefined();
  });
});
