import type { ModifiedCursor } from './world.store';
import { ActivityEngine } from './world-activity.engine';
import { checkWorldInvariants } from './world-invariants.util';
import { worldHash } from './world-hash.util';
import { generateWorld } from './world.generator';
import type { WorldEntity } from './world.schema';

describe('ActivityEngine', () => {
  it.each([
    [1, 2_000],
    [2, 6_000],
  ])('keeps every invariant through thousands of steps (seed %s, size %s)', (seed, size) => {
    const world = generateWorld({ seed, size });
    const engine = new ActivityEngine(world.writer, { seed, ratePerMinute: 6 });
    const generatedUntil = world.clock.now();
    const events = [];
    for (let round = 0; round < 4; round++) {
      events.push(...engine.run(750));
      expect(checkWorldInvariants(world.store, { schemas: round === 3 })).toEqual([]);
    }
    const ok = events.filter((e) => e.ok);
    expect(ok.length).toBeGreaterThan(2_000);
    for (const kind of [
      'createCustomer',
      'createJob',
      'advanceAppointment',
      'reschedule',
      'payment',
      'mergeCustomers',
      'softDelete',
    ]) {
      expect(ok.some((e) => e.kind === kind)).toBe(true);
    }
    expect(
      world.store.snapshot('job').some((j) => j.status === 'Completed' && j.createdOn >= generatedUntil),
    ).toBe(true);
  });

  it('runs at its rate whether the time comes in one window or in many short ones (the real-time ticks)', () => {
    const count = (windowMs: number): { events: number; elapsed: number } => {
      const world = generateWorld({ seed: 3, size: 300 });
      const engine = new ActivityEngine(world.writer, { seed: 3, ratePerMinute: 2 });
      const start = world.clock.now();
      let events = 0;
      for (let t = 0; t < 3_600_000; t += windowMs) events += engine.runFor(windowMs).length;
      return { events, elapsed: world.clock.now() - start };
    };
    const long = count(3_600_000);
    const ticks = count(250 * 6); // 250 ms ticks at 6x
    // 2 a minute for an hour: about 120 either way, and the clock moved exactly the hour.
    for (const run of [long, ticks]) {
      expect(run.elapsed).toBe(3_600_000);
      expect(run.events).toBeGreaterThan(100);
      expect(run.events).toBeLessThan(140);
    }
    // A window shorter than the gap to the next event applies none.
    const world = generateWorld({ seed: 4, size: 300 });
    const engine = new ActivityEngine(world.writer, { seed: 4, ratePerMinute: 2 });
    expect(engine.runFor(1)).toEqual([]);
  });

  it('is deterministic given the seed and the calls', () => {
    const run = (activitySeed: number): string => {
      const world = generateWorld({ seed: 8, size: 1_500 });
      const engine = new ActivityEngine(world.writer, { seed: activitySeed });
      engine.run(500);
      engine.burst(30, { entity: 'job' });
      engine.betweenPages('customer');
      return worldHash(world.store);
    };
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
  });

  it('writes a burst sharing ONE modifiedOn', () => {
    const world = generateWorld({ seed: 3, size: 2_000 });
    const engine = new ActivityEngine(world.writer, { seed: 3 });
    const t = world.clock.now();
    const events = engine.burst(150, { entity: 'contact' });
    expect(events.filter((e) => e.ok)).toHaveLength(150);
    const touched = world.store.snapshot('contact').filter((c) => c.modifiedOn === t);
    expect(touched).toHaveLength(150);
    expect(world.clock.now()).toBeGreaterThan(t);
  });

  /**
   * A client follows the change feed with small pages while the world changes between its requests
   * (bursts sharing a modifiedOn included). Within a pass it never sees the same version twice, and
   * at the end it holds exactly the world's state: nothing skipped.
   */
  it.each(['customer', 'job', 'appointment', 'invoice'] as WorldEntity[])(
    'changesSince never skips or repeats a %s, even during bursts',
    (entity) => {
      const world = generateWorld({ seed: 6, size: 3_000 });
      const engine = new ActivityEngine(world.writer, { seed: 6, ratePerMinute: 10 });
      const mirror = new Map<number, number>();
      let cursor = 0;
      let pages = 0;
      for (let pass = 0; pass < 3; pass++) {
        const seenThisPass = new Set<string>();
        for (;;) {
          const page = world.store.changesSince(entity, cursor, 37);
          pages++;
          for (const r of page.records) {
            const key = `${r.id}@${r.rowVersion}`;
            expect(seenThisPass.has(key)).toBe(false);
            seenThisPass.add(key);
            expect(r.rowVersion).toBeGreaterThan(mirror.get(r.id) ?? 0);
            mirror.set(r.id, r.rowVersion);
          }
          cursor = page.continueFrom;
          // the world moves between two page requests
          if (pages % 5 === 0)
            engine.burst(40, { entity: entity === 'invoice' ? undefined : (entity as 'customer') });
          else if (entity === 'invoice') engine.run(3);
          else engine.betweenPages(entity);
          if (!page.hasMore) break;
        }
        engine.run(200);
      }
      for (;;) {
        const page = world.store.changesSince(entity, cursor, 500);
        for (const r of page.records) mirror.set(r.id, r.rowVersion);
        cursor = page.continueFrom;
        if (!page.hasMore) break;
      }
      const truth = new Map(world.store.snapshot(entity).map((r) => [r.id, r.rowVersion]));
      expect(mirror).toEqual(truth);
    },
  );

  it('lets a (modifiedOn, id) pager see every unchanged record exactly once while records move', () => {
    const world = generateWorld({ seed: 12, size: 3_000 });
    const engine = new ActivityEngine(world.writer, { seed: 12 });
    engine.burst(60, { entity: 'customer' });
    const startVersion = world.store.rowVersion;
    const seen = new Map<number, number>();
    let after: ModifiedCursor | undefined;
    for (;;) {
      const page = world.store.pageByModified('customer', { after, limit: 25 });
      for (const r of page.records) {
        expect(seen.get(r.id)).not.toBe(r.rowVersion);
        seen.set(r.id, r.rowVersion);
      }
      engine.betweenPages('customer');
      if (!page.hasMore || !page.next) break;
      after = page.next;
    }
    const unchanged = world.store.snapshot('customer').filter((c) => c.rowVersion <= startVersion);
    for (const c of unchanged) expect(seen.get(c.id)).toBe(c.rowVersion);
  });
});
