import { DEFAULT_SERVER_URL, describeDatabaseUrl, readDatabaseUrl } from './db-env.schema';

describe('readDatabaseUrl', () => {
  it('names DATABASE_URL when it is missing', () => {
    expect(readDatabaseUrl({})).toEqual({ ok: false, message: 'DATABASE_URL is not set' });
  });

  it('names DATABASE_URL when it is malformed, without echoing the value', () => {
    const result = readDatabaseUrl({ DATABASE_URL: 'mysql://root:hunter2@db/app' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^DATABASE_URL must be a postgres:\/\//);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('accepts a postgres URL', () => {
    expect(readDatabaseUrl({ DATABASE_URL: 'postgresql://u:p@h:5433/d' })).toEqual({
      ok: true,
      url: 'postgresql://u:p@h:5433/d',
      defaulted: false,
    });
  });

  it('falls back only when unset', () => {
    expect(readDatabaseUrl({}, DEFAULT_SERVER_URL)).toEqual({
      ok: true,
      url: DEFAULT_SERVER_URL,
      defaulted: true,
    });
    expect(readDatabaseUrl({ DATABASE_URL: 'nope' }, DEFAULT_SERVER_URL).ok).toBe(false);
  });
});

describe('describeDatabaseUrl', () => {
  it('drops the credentials', () => {
    expect(describeDatabaseUrl('postgres://app:hunter2@db.internal/fieldsync')).toBe(
      'db.internal:5432/fieldsync',
    );
  });
});
