/** Latency distribution of one benchmark, in milliseconds. */
export interface LatencySummary {
  /** What one sample measures, e.g. "publish() call to PubAck". */
  readonly of: string;
  readonly samples: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The figures of one benchmark; only produced after its own checks passed. */
export interface BenchResult {
  readonly id: string;
  readonly group:
    | 'jetstream'
    | 'outbox'
    | 'canonical-model'
    | 'vendor-sandbox'
    | 'sessions'
    | 'webhooks'
    | 'extractor'
    | 'writer'
    | 'api';
  readonly title: string;
  /** What `count` counts: messages, events, operations, canonical records. */
  readonly unit: 'msgs' | 'events' | 'ops' | 'records';
  readonly count: number;
  readonly wallMs: number;
  /** count / wall time. */
  readonly ratePerSec: number;
  readonly latencyMs?: LatencySummary;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** The checks this benchmark passed before reporting (a failed check throws instead). */
  readonly checks: readonly string[];
}

export interface MachineInfo {
  readonly hostname: string;
  readonly platform: string;
  readonly kernel: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  /** 1/5/15-minute load averages when the run started: other work on the machine skews every figure. */
  readonly loadAverageAtStart: readonly number[];
  readonly node: string;
  readonly v8: string;
  readonly natsServer: string;
  readonly natsSource: string;
  readonly postgres: string;
  readonly postgresSource: string;
  /** fsync, synchronous_commit, shared_buffers of the server the outbox bench wrote to. */
  readonly postgresSettings: Readonly<Record<string, string>>;
  readonly gitCommit: string;
  readonly gitDirty: boolean;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly totalMs: number;
  readonly machine: MachineInfo;
  /** 1/5/15-minute load averages when the run ended. */
  readonly loadAverageAtEnd: readonly number[];
  readonly results: readonly BenchResult[];
}

/** Thrown when a benchmark's own result is wrong: nothing is reported then. */
export class BenchCheckError extends Error {
  override readonly name = 'BenchCheckError';
}

/** Fails the run unless `condition` holds; returns the description for the result's `checks`. */
export function check(condition: boolean, description: string, detail?: string): string {
  if (!condition) {
    throw new BenchCheckError(`check failed: ${description}${detail === undefined ? '' : ` (${detail})`}`);
  }
  return description;
}
