/*
 * The writer bench's statement counter (tools/bench/writer-meter.util.ts): preloaded into the writer with
 * `node -r`, it counts every statement the process sends through `pg` (one round trip each), by kind,
 * and writes the counts as JSON to PG_COUNT_FILE at exit, every 2 s, and at once on SIGUSR2 (the bench
 * reads them before and after each batch). Not loaded in production or in the tests.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node -r), not a module of the workspace */
'use strict';
const { writeFileSync } = require('node:fs');
const pg = require('pg');

const out = process.env.PG_COUNT_FILE;
const counts = { total: 0, byKind: {} };
const kindOf = (text) => {
  const sql = text.trim().replace(/\s+/g, ' ').toLowerCase();
  if (sql === 'begin' || sql.startsWith('begin ') || sql.startsWith('start transaction')) return 'begin';
  if (sql === 'commit') return 'commit';
  if (sql === 'rollback') return 'rollback';
  const table = /(?:insert into|update|from|delete from)\s+"?([a-z_]+)"?/.exec(sql);
  return `${sql.split(' ')[0]} ${table ? table[1] : '?'}`;
};
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function query(config, ...rest) {
  const text = typeof config === 'string' ? config : config && config.text;
  if (typeof text === 'string') {
    const kind = kindOf(text);
    counts.total += 1;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
  }
  return original.call(this, config, ...rest);
};
const dump = () => {
  if (out) writeFileSync(out, JSON.stringify(counts, null, 2));
};
process.on('exit', dump);
process.on('SIGUSR2', dump);
setInterval(dump, 2_000).unref();
