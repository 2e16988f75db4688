import { performance } from 'node:perf_hooks';
import {
  ActivityEngine,
  checkWorldInvariants,
  generateWorld,
  worldCounts,
  worldHash,
} from '@fieldsync/sandbox-world';
import { check, type BenchResult } from './bench.types';
import { ratePerSec } from './stats.util';

export interface WorldBenchOptions {
  /** World sizes to generate (approximate record counts). */
  readonly sizes: readonly number[];
  /** Activity steps measured on the largest world. */
  readonly activitySteps: number;
  readonly log: (line: string) => void;
}

/**
 * 5. The vendor sandbox's world: generation of seeded businesses of several sizes (records/s, checked
 * for determinism and every invariant) and the activity engine's step rate on the largest one.
 * `bench.types.ts` has no group for the sandbox yet; these results report under 'canonical-model'
 * with ids prefixed `sandbox.world.` (widening the group union is a one-line change outside the world).
 */
export function benchWorld(o: WorldBenchOptions): BenchResult[] {
  const results: BenchResult[] = [];
  let largest: ReturnType<typeof generateWorld> | undefined;
  for (const size of o.sizes) {
    generateWorld({ seed: 'bench-warmup', size: Math.min(size, 5_000) });
    const started = performance.now();
    const world = generateWorld({ seed: 'bench', size });
    const wallMs = performance.now() - started;
    const { total } = worldCounts(world.store);
    const again = generateWorld({ seed: 'bench', size });
    const violations = checkWorldInvariants(world.store, { schemas: size <= 20_000 });
    const checks = [
      check(
        total > size * 0.85 && total < size * 1.15,
        'record count within 15 % of the requested size',
        `${total}`,
      ),
      check(worldHash(world.store) === worldHash(again.store), 'same seed and size → identical ground truth'),
      check(violations.length === 0, 'every invariant holds', violations.slice(0, 3).join('; ')),
    ];
    o.log(`generateWorld(${size}): ${total} records in ${Math.round(wallMs)} ms`);
    results.push({
      id: `sandbox.world.generate.${size}`,
      group: 'vendor-sandbox',
      title: `generateWorld({ seed, size: ${size} })`,
      unit: 'ops',
      count: total,
      wallMs: Math.round(wallMs),
      ratePerSec: ratePerSec(total, wallMs),
      params: { size, records: total },
      checks,
    });
    largest = world;
  }
  if (largest) {
    const engine = new ActivityEngine(largest.writer, { seed: 'bench', ratePerMinute: 10 });
    const before = largest.store.rowVersion;
    const started = performance.now();
    const events = engine.run(o.activitySteps);
    const wallMs = performance.now() - started;
    const violations = checkWorldInvariants(largest.store, { schemas: false });
    const checks = [
      check(events.filter((e) => e.ok).length > o.activitySteps * 0.6, 'most steps wrote something'),
      check(largest.store.rowVersion > before, 'rowVersion moved'),
      check(
        violations.length === 0,
        'every invariant holds after the steps',
        violations.slice(0, 3).join('; '),
      ),
    ];
    o.log(`ActivityEngine.step: ${o.activitySteps} steps in ${Math.round(wallMs)} ms`);
    results.push({
      id: 'sandbox.world.activity',
      group: 'vendor-sandbox',
      title: `ActivityEngine.step on a ${largest.size}-record world`,
      unit: 'ops',
      count: o.activitySteps,
      wallMs: Math.round(wallMs),
      ratePerSec: ratePerSec(o.activitySteps, wallMs),
      params: { size: largest.size, writes: largest.store.rowVersion - before },
      checks,
    });
  }
  return results;
}

/** `node -r @swc-node/register tools/bench/world.bench.ts`: this bench alone, no services needed. */
if (require.main === module) {
  const results = benchWorld({
    sizes: [10_000, 100_000],
    activitySteps: 5_000,
    log: (line) => process.stdout.write(`  · ${line}\n`),
  });
  for (const r of results)
    process.stdout.write(`${r.id}: ${r.count} in ${r.wallMs} ms (${r.ratePerSec}/s)\n`);
}
