#!/usr/bin/env node
// `npm test`: every jest project (unit specs, then integration specs against real Postgres and NATS),
// then one summary line `N passed, N failed[, N skipped]` read from jest's --json output, for CI.
// Extra arguments go to jest (e.g. `npm test -- --selectProjects unit`).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';

const outDir = mkdtempSync(join(tmpdir(), 'fs-jest-'));
const outFile = join(outDir, 'results.json');
const limitMs = Number(process.env.FIELDSYNC_TEST_TIMEOUT_MS ?? 25 * 60_000);
const workers = process.env.FIELDSYNC_TEST_WORKERS ?? String(Math.max(2, availableParallelism()));

const jest = spawn(
  process.execPath,
  [
    'node_modules/jest/bin/jest.js',
    '--json',
    `--outputFile=${outFile}`,
    `--maxWorkers=${workers}`,
    ...(process.env.CI ? ['--ci'] : []),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
const guard = setTimeout(() => {
  console.error(`jest did not finish within ${limitMs} ms; stopping it`);
  jest.kill('SIGKILL');
}, limitMs);

const code = await new Promise((resolve) => jest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
clearTimeout(guard);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(outFile)) {
  const report = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = report.numPassedTests;
  // A suite that fails to load (syntax error, failing beforeAll) has no failed test of its own: count it.
  failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
  skipped = report.numPendingTests + report.numTodoTests;
} else {
  failed = 1;
  console.error('jest wrote no results file');
}
rmSync(outDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code !== 0 || failed > 0 ? code || 1 : 0);
