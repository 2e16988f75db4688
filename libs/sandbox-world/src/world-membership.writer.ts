import { assertTransition, type WorldRules } from './world.rules';
import type { MembershipStatus } from './world.schema';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

/** Memberships (service agreements): their status; ending one ends its term. */
export class WorldMembershipWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  setMembershipStatus(id: number, status: MembershipStatus): StoredRecord<'membership'> {
    const membership = this.rules.assertUsable('membership', id, { allowInactive: true });
    assertTransition('membership', membership.status, status);
    return this.store.update('membership', id, {
      status,
      ...(status === 'Expired' || status === 'Canceled'
        ? { to: Math.min(membership.to, this.store.clock.now()) }
        : {}),
    });
  }
}
