import type { ActiveFaults, FaultsParsed } from './fault.schema';
import type { Clock } from './clock.types';
import { seededRandom } from './prng.util';

export type FaultOutcome =
  { kind: 'none' } | { kind: 'rateLimit'; retryAfter: string } | { kind: 'serverError'; status: number };

/**
 * The switchable faults of one portal. `decide()` is asked once per data/API request (never for
 * `/__sandbox/`): a 429 first (the next-N counter, then the rate), then a 5xx at its rate. Rates
 * draw from a PRNG seeded with `seed`, so the same faults + the same requests give the same answers.
 */
export class FaultSwitch {
  private faults: ActiveFaults;
  private random: () => number;

  constructor(
    private readonly defaultSeed: number,
    private readonly clock: Clock,
  ) {
    this.faults = this.none();
    this.random = seededRandom(defaultSeed);
  }

  private none(): ActiveFaults {
    return {
      seed: this.defaultSeed,
      rateLimit: null,
      serverError: null,
      latencyMs: 0,
      drift: [],
      loginPage: 'standard',
    };
  }

  get(): ActiveFaults {
    return structuredClone(this.faults);
  }

  /** Applies the given keys over the current faults and restarts the PRNG. */
  set(input: FaultsParsed): ActiveFaults {
    const next = { ...this.faults };
    if (input.seed !== undefined) next.seed = input.seed;
    if (input.rateLimit !== undefined) next.rateLimit = input.rateLimit;
    if (input.serverError !== undefined) next.serverError = input.serverError;
    if (input.latencyMs !== undefined) next.latencyMs = input.latencyMs;
    if (input.drift !== undefined) next.drift = input.drift;
    if (input.loginPage !== undefined) next.loginPage = input.loginPage;
    this.faults = next;
    this.random = seededRandom(next.seed);
    return this.get();
  }

  clear(): void {
    this.faults = this.none();
    this.random = seededRandom(this.defaultSeed);
  }

  decide(): FaultOutcome {
    const { rateLimit, serverError } = this.faults;
    if (rateLimit) {
      let limited = false;
      if (rateLimit.next !== undefined && rateLimit.next > 0) {
        rateLimit.next -= 1;
        limited = true;
      } else if (rateLimit.rate !== undefined) {
        limited = this.random() < rateLimit.rate;
      }
      if (limited) return { kind: 'rateLimit', retryAfter: this.retryAfter(rateLimit) };
    }
    if (serverError && this.random() < serverError.rate) {
      return { kind: 'serverError', status: serverError.status };
    }
    return { kind: 'none' };
  }

  latencyMs(): number {
    return this.faults.latencyMs;
  }

  loginVariant(): 'standard' | 'changed' {
    return this.faults.loginPage;
  }

  /** The JSON value with the drift renames applied to its keys at any depth. */
  drift(value: unknown): unknown {
    const renames = new Map(this.faults.drift.map((d) => [d.from, d.to]));
    if (renames.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') {
        return Object.fromEntries(
          Object.entries(v as Record<string, unknown>).map(([k, inner]) => [
            renames.get(k) ?? k,
            walk(inner),
          ]),
        );
      }
      return v;
    };
    return walk(value);
  }

  hasDrift(): boolean {
    return this.faults.drift.length > 0;
  }

  private retryAfter(rateLimit: NonNullable<ActiveFaults['rateLimit']>): string {
    return rateLimit.retryAfterFormat === 'http-date'
      ? new Date(this.clock() + rateLimit.retryAfterSeconds * 1000).toUTCString()
      : String(rateLimit.retryAfterSeconds);
  }
}
