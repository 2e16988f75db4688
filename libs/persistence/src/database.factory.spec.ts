import { createDatabase } from './database.factory';
import { migrateDown } from './migration.runner';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';

describe('createDatabase', () => {
  it('rejects a URL that is not postgres, naming the option but not echoing the secret', () => {
    const attempt = () => createDatabase({ url: 'mysql://app:hunter2@db:3306/app' });
    expect(attempt).toThrow(PersistenceError);
    expect(attempt).toThrow(/url: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('rejects a non-positive pool size', () => {
    expect(() => createDatabase({ url: 'postgres://localhost/x', poolMax: 0 })).toThrow(/poolMax/);
  });

  it('builds lazily: no connection is made until the first query', async () => {
    const db = createDatabase({ url: 'postgres://nobody@127.0.0.1:1/nowhere' });
    await expect(db.destroy()).resolves.toBeUndefined();
  });
});

describe('migrateDown', () => {
  it.each([0, -1, 1.5])('refuses %p steps before touching the database', async (steps) => {
    const db = createDatabase({ url: 'postgres://nobody@127.0.0.1:1/nowhere', connectionTimeoutMs: 100 });
    try {
      await expect(migrateDown(db, { steps })).rejects.toMatchObject({
        code: PersistenceErrorCode.InvalidOptions,
        message: expect.stringContaining('steps must be a positive integer') as unknown,
      });
    } finally {
      await db.destroy();
    }
  });
});
