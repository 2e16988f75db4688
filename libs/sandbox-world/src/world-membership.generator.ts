import type { PlannedCustomer } from './world-customer.generator';
import type { CustomerPlan, LocationPlan, MembershipPlan } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import type { WorldRng } from './world-rng.util';
import { DAY } from './world-time.constants';
import * as W from './world-words.constants';
import type { Customer, Location, Membership } from './world.schema';
import type { WorldLoader } from './world.loader';

/** Maintenance memberships of residential customers: yearly terms, some renewed, a few canceled or suspended. */
export class MembershipGenerator {
  private readonly memberships: MembershipPlan[] = [];

  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
  ) {}

  /** Maybe a membership of a residential customer at its first site, possibly renewed term after term. */
  plan({ customer, sites, commercial }: PlannedCustomer): void {
    const { rng, timeline } = this;
    const now = timeline.now;
    if (commercial || !rng.chance(0.14)) return;
    const site = sites[0] as LocationPlan;
    const [mName, price, freq] = rng.pick(W.MEMBERSHIP_TYPES);
    let from = timeline.later(rng, customer.createdOn);
    for (let term = 0; term < 3 && from < now; term++) {
      const to = from + 365 * DAY;
      let status: Membership['status'] = 'Active';
      let modifiedOn = from;
      let end = to;
      if (to <= now) {
        status = 'Expired';
        modifiedOn = to;
      } else if (rng.chance(0.06)) {
        status = 'Canceled';
        end = modifiedOn = timeline.later(rng, from);
      } else if (rng.chance(0.04)) {
        status = 'Suspended';
        modifiedOn = timeline.later(rng, from);
      }
      this.memberships.push({
        customer,
        location: site,
        fields: {
          ...timeline.base(from, modifiedOn, status === 'Active' || status === 'Suspended'),
          name: mName,
          status,
          billingFrequency: freq,
          price,
          from,
          to: end,
        },
      });
      if (status !== 'Expired' || !rng.chance(0.6)) break;
      from = to;
    }
  }

  /** Each customer's membership terms, for member prices on its invoices. */
  byCustomer(): Map<CustomerPlan, MembershipPlan[]> {
    const out = new Map<CustomerPlan, MembershipPlan[]>();
    for (const m of this.memberships) out.set(m.customer, [...(out.get(m.customer) ?? []), m]);
    return out;
  }

  /** Inserts the memberships in createdOn order (after their customers and locations). */
  insert(): void {
    for (const m of this.memberships.sort((a, b) => a.fields.createdOn - b.fields.createdOn)) {
      this.loader.add('membership', {
        ...m.fields,
        customerId: (m.customer.rec as Customer).id,
        locationId: (m.location.rec as Location).id,
      });
    }
  }
}
