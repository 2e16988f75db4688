import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import { MIGRATIONS } from '@fieldsync/persistence';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const ALL = MIGRATIONS.map(([name]) => name);

interface Outcome {
  code: number;
  lines: Array<Record<string, unknown>>;
}

async function migrateCli(args: string[], env: Record<string, string | undefined>): Promise<Outcome> {
  const childEnv = { ...process.env, ...env };
  if (env['DATABASE_URL'] === undefined) delete childEnv['DATABASE_URL'];
  const outcome = await run(process.execPath, ['-r', '@swc-node/register', 'tools/db/migrate.ts', ...args], {
    cwd: ROOT,
    env: childEnv,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  const lines = outcome.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code: outcome.code, lines };
}

// Spawns `node -r @swc-node/register` / renders types: slower than jest's 5 s default.
jest.setTimeout(30_000);

describe('tools/db/migrate.ts (the db:migrate job)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migrate_cli');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('exits 1 naming DATABASE_URL when it is missing or malformed', async () => {
    for (const value of [undefined, 'mysql://root:hunter2@db/app']) {
      const { code, lines } = await migrateCli([], { DATABASE_URL: value });
      expect(code).toBe(1);
      expect(lines.at(-1)?.['msg']).toMatch(/^invalid configuration: DATABASE_URL /);
      expect(JSON.stringify(lines)).not.toContain('hunter2');
    }
  });

  it('migrates up, logs what it applied, then down and to zero', async () => {
    const up = await migrateCli([], { DATABASE_URL: database.url });
    expect(up.code).toBe(0);
    expect(up.lines.at(-1)).toMatchObject({ direction: 'up', applied: ALL, current: ALL.at(-1) });

    const down = await migrateCli(['--down', '2'], { DATABASE_URL: database.url });
    expect(down.code).toBe(0);
    expect(down.lines.at(-1)).toMatchObject({ direction: 'down', applied: ALL.slice(-2).reverse() });

    const zero = await migrateCli(['--to', 'zero'], { DATABASE_URL: database.url });
    expect(zero.lines.at(-1)).toMatchObject({ direction: 'down', current: 'zero' });
    expect(zero.code).toBe(0);
  });

  it('exits 1 on bad arguments', async () => {
    const { code, lines } = await migrateCli(['--down', 'two'], { DATABASE_URL: database.url });
    expect(code).toBe(1);
    expect(lines.at(-1)?.['msg']).toMatch(/--down needs a positive integer/);
  });
});
