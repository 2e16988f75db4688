import { setTimeout as sleep } from 'node:timers/promises';
import type { JobberCost } from './jobber.schemas';

/** What a governor needs of time: a clock and a sleep that gives up when the caller is aborted. */
export interface GovernorClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const realClock: GovernorClock = {
  now: () => Date.now(),
  // rejects with an AbortError when the caller is aborted
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/** A request let through: settle it with the answer's cost (or nothing, when none came back). */
export interface CostPermit {
  settle(cost: JobberCost | undefined): void;
}

/**
 * Spends a Jobber account's query-cost budget (a leaky bucket: `maximumAvailable` points, restored at
 * `restoreRate` per second; a query is refused THROTTLED unless the bucket holds its *requested* cost) at
 * the rate it restores, instead of learning about it from THROTTLED answers.
 *
 * Every answer reports the bucket (`extensions.cost.throttleStatus`), so the governor keeps the last
 * report and, before a request, estimates what the bucket holds now (the report plus what was restored
 * since, up to the maximum, minus what requests still in flight may take) and waits until it holds the
 * request's expected cost: the requested cost this operation had last time, or, for an operation not seen
 * yet, the largest cost seen so far. Requests wait their turn in order, so a large page is not starved by
 * small ones. Before the first report nothing is known and requests go straight through.
 *
 * One governor per connection (the bucket is the account's); the extractor's streams of a connection share
 * it within a process. Another process spending the same bucket (the writer) is seen in the next report.
 * Hand-written rather than a general rate limiter: its budget is re-read from every answer, which the
 * limiters on npm (token buckets with a fixed reservoir) do not model.
 */
export class JobberCostGovernor {
  private report: { available: number; max: number; restoreRate: number; at: number } | undefined;
  private readonly costOf = new Map<string, number>();
  private largestCost = 0;
  /** Points expected by requests let through and not yet answered. */
  private reserved = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly clock: GovernorClock = realClock) {}

  /** Waits until the bucket should hold `operation`'s cost, then lets it through. */
  async acquire(operation: string, signal: AbortSignal): Promise<CostPermit> {
    const previous = this.turn;
    let done!: () => void;
    this.turn = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      const expected = this.costOf.get(operation) ?? this.largestCost;
      for (let wait = this.waitFor(expected); wait > 0; wait = this.waitFor(expected)) {
        await this.clock.sleep(wait, signal);
      }
      this.reserved += expected;
      let settled = false;
      return {
        settle: (cost) => {
          if (settled) return;
          settled = true;
          this.reserved -= expected;
          if (cost) this.learn(operation, cost);
        },
      };
    } finally {
      done();
    }
  }

  /** Milliseconds until the bucket should hold `expected` points beside what is in flight (0: now). */
  private waitFor(expected: number): number {
    const report = this.report;
    if (!report || expected <= 0) return 0;
    // A request larger than the whole bucket can never be admitted by waiting: let the vendor refuse it.
    const needed = Math.min(expected, report.max) + this.reserved;
    const missing = needed - this.estimate(report);
    return missing <= 0 ? 0 : Math.ceil((missing / report.restoreRate) * 1000);
  }

  private estimate(report: NonNullable<JobberCostGovernor['report']>): number {
    const restored = ((this.clock.now() - report.at) / 1000) * report.restoreRate;
    return Math.min(report.max, report.available + restored);
  }

  private learn(operation: string, cost: JobberCost): void {
    const { maximumAvailable, currentlyAvailable, restoreRate } = cost.throttleStatus;
    this.report = { available: currentlyAvailable, max: maximumAvailable, restoreRate, at: this.clock.now() };
    if (cost.requestedQueryCost > 0) {
      this.costOf.set(operation, cost.requestedQueryCost);
      this.largestCost = Math.max(this.largestCost, cost.requestedQueryCost);
    }
  }
}

/** The governors of the connections this process talks to Jobber for. */
const governors = new Map<string, JobberCostGovernor>();

export function costGovernorOf(connectionId: string): JobberCostGovernor {
  let governor = governors.get(connectionId);
  if (!governor) {
    governor = new JobberCostGovernor();
    governors.set(connectionId, governor);
  }
  return governor;
}
