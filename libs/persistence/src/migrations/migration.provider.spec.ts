import { readdirSync } from 'node:fs';
import { MIGRATIONS, StaticMigrationProvider } from './migration.provider';

describe('MIGRATIONS', () => {
  const names = MIGRATIONS.map(([name]) => name);

  it('lists every migration file in this folder, and nothing else', () => {
    const files = readdirSync(__dirname)
      .filter((file) => /^\d{14}-[a-z0-9-]+\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ''));
    expect(files.length).toBeGreaterThan(0);
    expect([...names].sort()).toEqual(files.sort());
  });

  it('is in the order Kysely applies them (by name), without duplicates', () => {
    expect(names).toEqual([...new Set(names)].sort());
  });

  it('gives each migration an up and a down', async () => {
    const migrations = await new StaticMigrationProvider().getMigrations();
    expect(Object.keys(migrations)).toEqual(names);
    for (const migration of Object.values(migrations)) {
      expect(typeof migration.up).toBe('function');
      expect(typeof migration.down).toBe('function');
    }
  });
});
