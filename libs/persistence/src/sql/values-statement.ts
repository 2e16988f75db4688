import { CompiledQuery } from 'kysely';

/** A table or column name of ours as a quoted SQL identifier. */
export function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * `insert into <table> (<columns>) values ($1,$2…),(…) <suffix>` for many rows at once, each value a
 * bind parameter (cast where `casts` names a type for its column: `{ document: 'jsonb' }`).
 *
 * Written out rather than built with Kysely's builder: a page is thousands of values, and compiling a node
 * per value cost more than the rest of the page's JavaScript (profiled, issue 17). Table and column names
 * are ours (constants), quoted as identifiers; values only ever travel as parameters. `suffix` is the rest
 * of the statement (`on conflict …`, `returning …`), written by the caller.
 */
export function valuesStatement(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  casts: Readonly<Record<string, string>> = {},
  suffix = '',
): CompiledQuery {
  if (columns.length === 0) throw new RangeError(`valuesStatement(${table}): no columns`);
  if (rows.length === 0) throw new RangeError(`valuesStatement(${table}): no rows`);
  for (const column of Object.keys(casts)) {
    if (!columns.includes(column)) {
      throw new RangeError(`valuesStatement(${table}): a cast names ${column}, which is not a column`);
    }
  }
  // Postgres takes at most 65,535 parameters in one statement.
  if (rows.length * columns.length > 65_535) {
    throw new RangeError(
      `valuesStatement(${table}): ${rows.length} rows × ${columns.length} columns exceed 65,535 parameters`,
    );
  }
  const castOf = columns.map((column) => (casts[column] === undefined ? '' : `::${casts[column]}`));
  const parameters: unknown[] = [];
  const tuples = rows.map((row, index) => {
    if (row.length !== columns.length) {
      throw new RangeError(
        `valuesStatement(${table}): row ${index} has ${row.length} values for ${columns.length} columns`,
      );
    }
    const at = parameters.length;
    parameters.push(...row);
    return `(${castOf.map((cast, i) => `$${at + i + 1}${cast}`).join(',')})`;
  });
  return CompiledQuery.raw(
    `insert into ${quoted(table)} (${columns.map(quoted).join(',')}) values ${tuples.join(',')}${suffix === '' ? '' : ` ${suffix}`}`,
    parameters,
  );
}
