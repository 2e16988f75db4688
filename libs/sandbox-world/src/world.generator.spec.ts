import { checkWorldInvariants } from './world-invariants.util';
import { worldCounts, worldHash } from './world-hash.util';
import { generateWorld } from './world.generator';

describe('generateWorld', () => {
  it('is deterministic: the same seed and size give byte-identical ground truth', () => {
    const a = generateWorld({ seed: 42, size: 2_000 });
    const b = generateWorld({ seed: 42, size: 2_000 });
    expect(worldHash(a.store)).toBe(worldHash(b.store));
    expect(JSON.stringify(a.store.snapshot('invoice'))).toBe(JSON.stringify(b.store.snapshot('invoice')));
  });

  it('gives a different business for a different seed or size', () => {
    const base = worldHash(generateWorld({ seed: 42, size: 2_000 }).store);
    expect(worldHash(generateWorld({ seed: 43, size: 2_000 }).store)).not.toBe(base);
    expect(worldHash(generateWorld({ seed: '42', size: 2_001 }).store)).not.toBe(base);
  });

  it.each([
    [1, 40],
    [2, 40],
    [3, 300],
    [1, 3_000],
    [2, 3_000],
    [3, 12_000],
  ])('holds every invariant (seed %s, size %s)', (seed, size) => {
    const world = generateWorld({ seed, size });
    expect(checkWorldInvariants(world.store)).toEqual([]);
  });

  it('is about the requested size', () => {
    for (const size of [3_000, 20_000]) {
      const { total } = worldCounts(generateWorld({ seed: 5, size }).store);
      expect(total).toBeGreaterThan(size * 0.85);
      expect(total).toBeLessThan(size * 1.15);
    }
  });

  it('looks like a real trades business', () => {
    const { store, clock } = generateWorld({ seed: 9, size: 10_000 });
    const now = clock.now();
    const jobs = store.snapshot('job');
    const share = (n: number): number => n / jobs.length;
    expect(share(jobs.filter((j) => j.status === 'Completed').length)).toBeGreaterThan(0.7);
    const ahead = store.snapshot('appointment').filter((a) => a.start > now && a.status === 'Scheduled');
    expect(ahead.length).toBeGreaterThan(10);
    expect(jobs.some((j) => j.status === 'Hold')).toBe(true);
    expect(jobs.some((j) => j.status === 'Canceled')).toBe(true);
    const customers = store.snapshot('customer');
    expect(customers.some((c) => c.type === 'Commercial')).toBe(true);
    expect(customers.some((c) => c.mergedToId !== null)).toBe(true);
    const invoices = store.snapshot('invoice');
    const partial = invoices.filter((i) => i.balance > 0 && i.balance < i.total);
    expect(partial.length).toBeGreaterThan(5);
    expect(invoices.some((i) => i.discount > 0)).toBe(true);
    expect(new Set(store.snapshot('payment').map((p) => p.method))).toEqual(
      new Set(['card', 'ach', 'cash', 'check']),
    );
    expect(store.count('membership') / customers.length).toBeGreaterThan(0.05);
    expect(store.count('equipment')).toBeGreaterThan(0);
    // the migration import: many customers sharing one createdOn and modifiedOn
    const byCreated = new Map<number, number>();
    for (const c of customers) byCreated.set(c.createdOn, (byCreated.get(c.createdOn) ?? 0) + 1);
    expect(Math.max(...byCreated.values())).toBeGreaterThan(20);
  });

  it('hands out ids in createdOn order, in disjoint ranges per entity', () => {
    const { store } = generateWorld({ seed: 11, size: 3_000 });
    for (const entity of ['customer', 'job', 'appointment', 'invoice', 'payment'] as const) {
      const records = store.snapshot(entity);
      for (let i = 1; i < records.length; i++) {
        expect((records[i] as { createdOn: number }).createdOn).toBeGreaterThanOrEqual(
          (records[i - 1] as { createdOn: number }).createdOn,
        );
      }
    }
    const customerId = store.snapshot('customer')[0]?.id as number;
    expect(store.get('job', customerId)).toBeUndefined();
  });
});
