import { Test } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import { Kysely, sql } from 'kysely';
import { createDatabase } from './database.factory';
import { checkDatabase, pingDatabase } from './database-health.util';
import type { DB } from './generated/db.types';
import { migrateToLatest } from './migration.runner';
import { DATABASE } from './persistence.constants';
import { PersistenceErrorCode } from './persistence.error';
import { PersistenceModule } from './persistence.module';
import { TenantRepository } from './repositories/tenant.repository';

describe('createDatabase against Postgres', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await createTestDatabase('persistence_factory');
    db = createDatabase({
      url: database.url,
      poolMax: 2,
      applicationName: 'fs-factory-spec',
      statementTimeoutMs: 200,
    });
    await migrateToLatest(db);
    await db.insertInto('tenants').values({ id: 'ten_a', name: 'A' }).execute();
    await db
      .insertInto('connections')
      .values({
        id: 'con_a',
        tenant_id: 'ten_a',
        vendor: 'jobber',
        portal_url: 'https://j.test',
        username: 'u',
      })
      .execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('reads dates as YYYY-MM-DD strings, bigints and numerics as exact strings, timestamps as Dates', async () => {
    await db
      .insertInto('invoices')
      .values({
        id: 'inv_1',
        tenant_id: 'ten_a',
        connection_id: 'con_a',
        vendor: 'jobber',
        external_id: '1',
        due_on: '2026-03-01',
        total_minor: '9007199254740993',
        document: JSON.stringify({ id: 'inv_1' }),
        content_hash: 'h',
      })
      .execute();
    const row = await db
      .selectFrom('invoices')
      .selectAll()
      .where('id', '=', 'inv_1')
      .executeTakeFirstOrThrow();
    expect(row.due_on).toBe('2026-03-01');
    expect(row.total_minor).toBe('9007199254740993');
    expect(row.created_at).toBeInstanceOf(Date);
    expect(row.document).toEqual({ id: 'inv_1' });
  });

  it('applies the application name and statement timeout to its connections', async () => {
    const { rows } = await sql<{ name: string; timeout: string }>`
      select current_setting('application_name') as name, current_setting('statement_timeout') as timeout
    `.execute(db);
    expect(rows[0]).toEqual({ name: 'fs-factory-spec', timeout: '200ms' });
  });

  it('pings', async () => {
    await expect(pingDatabase(db)).resolves.toBeGreaterThan(0);
  });
});

describe('checkDatabase when Postgres is unreachable', () => {
  it('fails with a clear, retriable error that does not leak the password', async () => {
    const db = createDatabase({
      url: 'postgres://app:hunter2@127.0.0.1:1/fieldsync',
      connectionTimeoutMs: 500,
    });
    try {
      const check = checkDatabase(db, { timeoutMs: 1000 });
      await expect(check).rejects.toMatchObject({
        code: PersistenceErrorCode.DatabaseUnreachable,
        retriable: true,
      });
      await expect(check).rejects.toThrow(/^Postgres (is not reachable|did not answer)/);
      await expect(check).rejects.not.toThrow(/hunter2/);
    } finally {
      await db.destroy();
    }
  });
});

describe('PersistenceModule', () => {
  it('provides the database and repositories, and closes the pool on shutdown', async () => {
    const database = await createTestDatabase('persistence_module');
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [PersistenceModule.forRootAsync({ useFactory: () => ({ url: database.url, poolMax: 2 }) })],
      }).compile();
      await moduleRef.init();
      const db = moduleRef.get<Kysely<DB>>(DATABASE);
      await migrateToLatest(db);
      await moduleRef.get(TenantRepository).create({ id: 'ten_m', name: 'M' });
      await expect(checkDatabase(db)).resolves.toBeUndefined();

      await moduleRef.close();
      await expect(db.selectFrom('tenants').selectAll().execute()).rejects.toThrow(/destroyed/);
    } finally {
      await database.drop();
    }
  });

  it('forRoot validates its options when the module is built', async () => {
    await expect(
      Test.createTestingModule({ imports: [PersistenceModule.forRoot({ url: 'not-a-url' })] }).compile(),
    ).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidOptions });
  });
});
