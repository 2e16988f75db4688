import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport, BenchResult } from './bench.types';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ms = (n: number | undefined): string => (n === undefined ? '' : n < 10 ? n.toFixed(2) : n.toFixed(1));

/** The console table: one row per benchmark. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'count', 'wall ms', 'rate /s', 'p50 ms', 'p99 ms', 'max ms'];
  const rows = results.map((r) => [
    r.id,
    `${int.format(r.count)} ${r.unit}`,
    int.format(r.wallMs),
    int.format(r.ratePerSec),
    ms(r.latencyMs?.p50),
    ms(r.latencyMs?.p99),
    ms(r.latencyMs?.max),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Writes `bench/results/<ISO timestamp>.json` and `bench/results/latest.json`; returns both paths. */
export function writeReport(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const body = `${JSON.stringify(report, null, 2)}\n`;
  const stamped = join(dir, `${report.startedAt.replace(/:/g, '-')}.json`);
  const latest = join(dir, 'latest.json');
  writeFileSync(stamped, body);
  writeFileSync(latest, body);
  return [stamped, latest];
}
