import { PersistenceError, PersistenceErrorCode } from './persistence.error';

describe('PersistenceError', () => {
  it('marks an unreachable database as retriable and a failed migration as not', () => {
    expect(new PersistenceError(PersistenceErrorCode.DatabaseUnreachable, 'x').retriable).toBe(true);
    expect(new PersistenceError(PersistenceErrorCode.MigrationFailed, 'x').retriable).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('boom');
    expect(new PersistenceError(PersistenceErrorCode.MigrationFailed, 'x', { cause }).cause).toBe(cause);
  });
});
