import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What the writer spent between two readings: its own CPU (user + system) and the statements it sent. */
export interface WriterSpend {
  readonly cpuMs: number;
  readonly statements: number;
  readonly commits: number;
}

interface Counts {
  total: number;
  byKind: Record<string, number>;
}

const PRELOAD = resolve(__dirname, 'pg-count.preload.js');
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * The writer's CPU and statements per batch: load-independent figures (a loaded machine stretches the
 * wall clock, not the work per command). The bench always preloads tools/bench/pg-count.preload.js into
 * the writer (about 1.5 % of its CPU); `env()` gives the writer's NODE_OPTIONS and PG_COUNT_FILE, merged
 * with WRITER_BENCH_NODE_OPTIONS (a CPU profile, say) and WRITER_BENCH_PG_COUNT (keep the counts' file).
 * `read(pid)` asks the writer to write its counts now (SIGUSR2) and reads its CPU time from /proc.
 */
export class WriterMeter {
  private readonly dir: string | undefined;
  private readonly countFile: string;

  constructor() {
    const kept = process.env['WRITER_BENCH_PG_COUNT'];
    this.dir = kept ? undefined : mkdtempSync(join(tmpdir(), 'fs-bench-writer-'));
    this.countFile = kept ?? join(this.dir as string, 'pg-count.json');
  }

  env(): Record<string, string> {
    const extra = process.env['WRITER_BENCH_NODE_OPTIONS'];
    return {
      NODE_OPTIONS: [`--require ${PRELOAD}`, extra].filter(Boolean).join(' '),
      PG_COUNT_FILE: this.countFile,
    };
  }

  async read(pid: number | undefined): Promise<WriterSpend> {
    if (pid === undefined) throw new Error('the writer has no pid (not started?)');
    process.kill(pid, 'SIGUSR2');
    // The dump is synchronous in the writer's signal handler: a moment for it to run.
    await new Promise((done) => setTimeout(done, 200));
    const counts = JSON.parse(readFileSync(this.countFile, 'utf8')) as Counts;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
      statements: counts.total,
      commits: counts.byKind['commit'] ?? 0,
    };
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Per command between two readings: writer CPU ms, statements and commits. */
export function perCommand(
  before: WriterSpend,
  after: WriterSpend,
  commands: number,
): { cpuMsPerCommand: number; statementsPerCommand: number; commitsPerCommand: number } {
  const round = (n: number) => Math.round((n / commands) * 100) / 100;
  return {
    cpuMsPerCommand: round(after.cpuMs - before.cpuMs),
    statementsPerCommand: round(after.statements - before.statements),
    commitsPerCommand: round(after.commits - before.commits),
  };
}
