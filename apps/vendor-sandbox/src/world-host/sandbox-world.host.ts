import {
  ActivityEngine,
  generateWorld,
  WORLD_ENTITIES,
  type ActivityEvent,
  type World,
  type WorldEntity,
} from '@fieldsync/sandbox-world';

export interface WorldSettings {
  seed: number;
  size: number;
  /** Mean activity events per simulated minute. */
  ratePerMinute: number;
  /** `wall`: the world starts at the wall clock's now and follows it; `virtual` (default): it moves when advanced. */
  clock?: 'virtual' | 'wall';
}

export interface AdvanceResult {
  /** The world clock after advancing (ISO-8601). */
  now: string;
  /** Writes applied (rule refusals are not counted: they wrote nothing). */
  changes: number;
}

export interface RunningActivity {
  /** Simulated milliseconds per wall millisecond. */
  speed: number;
  ratePerMinute: number;
}

/**
 * The one business every portal renders (DESIGN: "one business, rendered per vendor"): generated from a
 * seed and a size, made live by the activity engine on a virtual clock. Portals read `world` on every
 * request, so a reset is seen by all of them at once; `onReset` lets a renderer drop what it cached.
 */
export class SandboxWorldHost {
  private current: World;
  private engine: ActivityEngine;
  private settings: WorldSettings;
  private timer: NodeJS.Timeout | undefined;
  private running: RunningActivity | undefined;
  private readonly resetListeners: (() => void)[] = [];

  constructor(settings: WorldSettings) {
    this.settings = settings;
    this.current = generateWorld(this.worldOptions(settings));
    this.engine = this.newEngine();
  }

  get world(): World {
    return this.current;
  }

  get activity(): ActivityEngine {
    return this.engine;
  }

  get entities(): readonly WorldEntity[] {
    return WORLD_ENTITIES;
  }

  describe(): WorldSettings & { now: string; running: RunningActivity | null } {
    return {
      ...this.settings,
      now: new Date(this.current.clock.now()).toISOString(),
      running: this.running ?? null,
    };
  }

  /** Regenerates the world (deterministic for the seed and size); a running clock keeps running on it. */
  reset(options: { seed: number; size: number }): void {
    this.settings = { ...this.settings, ...options };
    this.current = generateWorld(this.worldOptions(this.settings));
    this.engine = this.newEngine();
    for (const listener of this.resetListeners) listener();
  }

  private worldOptions(settings: WorldSettings): Parameters<typeof generateWorld>[0] {
    return {
      seed: settings.seed,
      size: settings.size,
      ...(settings.clock === 'wall' ? { now: Date.now(), realtime: true } : {}),
    };
  }

  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  /** Moves the virtual clock forward, applying the activity it schedules in that time. */
  advance(ms: number): AdvanceResult {
    const events = this.engine.runFor(ms);
    return { now: new Date(this.current.clock.now()).toISOString(), changes: countWrites(events) };
  }

  /**
   * Runs the clock from wall time: every tick advances the world by `speed` × the wall time elapsed.
   * `speed` 60 makes a wall second a simulated minute.
   */
  run(options: { speed: number; ratePerMinute?: number; tickMs?: number }): RunningActivity {
    this.stop();
    if (options.ratePerMinute !== undefined) {
      this.settings = { ...this.settings, ratePerMinute: options.ratePerMinute };
      this.engine = this.newEngine();
    }
    const tickMs = options.tickMs ?? 250;
    let last = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      this.engine.runFor((now - last) * options.speed);
      last = now;
    }, tickMs);
    this.timer.unref();
    this.running = { speed: options.speed, ratePerMinute: this.settings.ratePerMinute };
    return this.running;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.running = undefined;
  }

  private newEngine(): ActivityEngine {
    return new ActivityEngine(this.current.writer, {
      seed: `${this.settings.seed}`,
      ratePerMinute: this.settings.ratePerMinute,
    });
  }
}

function countWrites(events: readonly ActivityEvent[]): number {
  return events.filter((e) => e.ok).length;
}
