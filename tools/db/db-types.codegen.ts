import { join } from 'node:path';
import { Cli } from 'kysely-codegen';

/** The committed, generated `DB` type. */
export const DB_TYPES_PATH = join(
  __dirname,
  '..',
  '..',
  'libs',
  'persistence',
  'src',
  'generated',
  'db.types.ts',
);

const HEADER = [
  '// Generated from the migrated schema by `npm run db:codegen` (tools/db/codegen.ts). Do not edit:',
  '// change a migration in libs/persistence/src/migrations and regenerate. CI runs `npm run db:codegen:check`.',
  '',
].join('\n');

/**
 * Introspects the (already migrated) database at `databaseUrl` and renders the Kysely `DB` type.
 * Deterministic: kysely-codegen sorts tables and columns and writes no timestamps. Kysely's own
 * bookkeeping tables are left out. `date` and `numeric`/`int8` are typed as strings, matching the
 * pool's type parsers (libs/persistence/src/database.factory.ts).
 */
export async function renderDbTypes(databaseUrl: string): Promise<string> {
  const output = await new Cli().generate({
    url: databaseUrl,
    dialect: 'postgres',
    outFile: null,
    logLevel: 'error',
    dateParser: 'string',
    numericParser: 'string',
    excludePattern: 'kysely_migration*',
    typeOnlyImports: true,
  });
  return HEADER + output.replace(/\r\n/g, '\n');
}

/** Line number (1-based) of the first difference, or undefined when equal. */
export function firstDifference(expected: string, actual: string): number | undefined {
  if (expected === actual) return undefined;
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return i + 1;
  }
  return undefined;
}
