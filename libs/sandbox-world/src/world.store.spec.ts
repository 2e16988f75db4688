import type { ModifiedCursor } from './world.store';
import { ActivityEngine } from './world-activity.engine';
import { checkWorldInvariants } from './world-invariants.util';
import { WorldClock } from './world.clock';
import { generateWorld } from './world.generator';
import { WorldStore } from './world.store';

describe('WorldStore', () => {
  it('hands out frozen ground truth that callers cannot change', () => {
    const { store } = generateWorld({ seed: 1, size: 500 });
    const snapshot = store.snapshot('invoice');
    const invoice = snapshot[0];
    expect(() => {
      (invoice as { total: number }).total = 1;
    }).toThrow(TypeError);
    expect(() => {
      (invoice?.items as unknown as { total: number }[])[0] = { total: 1 };
    }).toThrow(TypeError);
    expect(() => (snapshot as unknown[]).push(1)).toThrow(TypeError);
  });

  it('bumps modifiedOn and rowVersion on every write; deletes are soft', () => {
    const clock = WorldClock.virtual(1_000);
    const store = WorldStore.empty(clock);
    const zone = store.create('taxZone', { name: 'Zone', ratePpm: 80_000 });
    expect(zone).toMatchObject({
      createdOn: 1_000,
      modifiedOn: 1_000,
      rowVersion: 1,
      active: true,
      deletedOn: null,
    });
    clock.advance(5);
    const renamed = store.update('taxZone', zone.id, { name: 'Zone 2' });
    expect(renamed).toMatchObject({ createdOn: 1_000, modifiedOn: 1_005, rowVersion: 2 });
    clock.advance(5);
    const deleted = store.softDelete('taxZone', zone.id);
    expect(deleted).toMatchObject({ active: false, deletedOn: 1_010, rowVersion: 3 });
    expect(store.snapshot('taxZone')).toHaveLength(1);
    expect(store.changeLog('taxZone').map((e) => e.kind)).toEqual(['create', 'update', 'delete']);
    expect(() => store.update('taxZone', zone.id, { id: 99, rowVersion: 1 } as never).id).not.toThrow();
    expect(store.get('taxZone', zone.id)?.rowVersion).toBe(4);
  });

  it('merges a customer: children and balance move, the merged record is inactive', () => {
    const world = generateWorld({ seed: 4, size: 3_000 });
    const { store, writer } = world;
    const withInvoices = store
      .snapshot('customer')
      .filter((c) => c.mergedToId === null && c.active && c.balance > 0);
    const [into, from] = [withInvoices[0], withInvoices[1]];
    if (!into || !from) throw new Error('fixture');
    const jobs = store.children('job', 'customerId', from.id).map((j) => j.id);
    writer.mergeCustomers(from.id, into.id);
    expect(store.get('customer', from.id)).toMatchObject({ mergedToId: into.id, active: false, balance: 0 });
    expect(store.get('customer', into.id)?.balance).toBe(into.balance + from.balance);
    for (const id of jobs) expect(store.get('job', id)?.customerId).toBe(into.id);
    expect(checkWorldInvariants(store)).toEqual([]);
  });

  it('pages by (modifiedOn, id): rows sharing one modifiedOn come in id order and resume exactly', () => {
    const world = generateWorld({ seed: 2, size: 3_000 });
    const engine = new ActivityEngine(world.writer, { seed: 2 });
    engine.burst(120, { entity: 'customer' });
    const all = Array.from(world.store.iterateByModified('customer'));
    const pages: number[] = [];
    let after: ModifiedCursor | undefined;
    for (;;) {
      const page = world.store.pageByModified('customer', { after, limit: 7 });
      pages.push(...page.records.map((r) => r.id));
      if (!page.hasMore || !page.next) break;
      after = page.next;
    }
    expect(pages).toEqual(all.map((r) => r.id));
    expect(new Set(pages).size).toBe(world.store.count('customer'));
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      if (!a || !b) throw new Error('gap');
      expect(a.modifiedOn < b.modifiedOn || (a.modifiedOn === b.modifiedOn && a.id < b.id)).toBe(true);
    }
  });

  it('pages by id with a filter', () => {
    const { store } = generateWorld({ seed: 2, size: 1_000 });
    const active = store
      .snapshot('customer')
      .filter((c) => c.active)
      .map((c) => c.id);
    const seen: number[] = [];
    let afterId: number | undefined;
    for (;;) {
      const page = store.pageById('customer', { afterId, limit: 10, filter: (c) => c.active });
      seen.push(...page.records.map((r) => r.id));
      if (!page.hasMore || page.next === null) break;
      afterId = page.next;
    }
    expect(seen).toEqual(active);
  });
});
