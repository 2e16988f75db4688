/**
 * The world's time, independent of the wall clock. Virtual by default: it moves only when told
 * (`advance`, `set`). In real-time mode it also follows the wall clock from its start, at `speed`×.
 * `now()` never goes backwards, so every write's modifiedOn is ≥ every earlier one.
 */
export class WorldClock {
  private offset = 0;
  private last: number;
  private readonly wallStart: number;

  private constructor(
    private readonly start: number,
    private readonly realtime: { wallNow: () => number; speed: number } | null,
  ) {
    this.last = start;
    this.wallStart = realtime ? realtime.wallNow() : 0;
  }

  /** A clock that stands still at `start` (epoch ms) until advanced. */
  static virtual(start: number): WorldClock {
    return new WorldClock(start, null);
  }

  /** A clock that ticks with `wallNow` (Date.now by default) from `start`, `speed` times as fast. */
  static realtime(start: number, options: { speed?: number; wallNow?: () => number } = {}): WorldClock {
    return new WorldClock(start, { wallNow: options.wallNow ?? Date.now, speed: options.speed ?? 1 });
  }

  get isRealtime(): boolean {
    return this.realtime !== null;
  }

  now(): number {
    const wall = this.realtime
      ? Math.floor((this.realtime.wallNow() - this.wallStart) * this.realtime.speed)
      : 0;
    const t = this.start + this.offset + wall;
    if (t > this.last) this.last = t;
    return this.last;
  }

  /** Moves time forward by `ms` (≥ 0); returns the new now. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance needs ms ≥ 0, got ${ms}`);
    this.offset += Math.floor(ms);
    return this.now();
  }

  /** Moves time forward to `t`; a time in the past is refused. */
  set(t: number): number {
    const now = this.now();
    if (t < now) throw new RangeError(`the world clock never goes back (${t} < ${now})`);
    return this.advance(t - now);
  }
}
