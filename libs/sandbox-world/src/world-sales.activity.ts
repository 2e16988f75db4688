import type { ActivitySampler } from './world-activity.sampler';
import type { ActivityHandlers } from './world-activity.types';
import { DAY } from './world-time.constants';
import * as W from './world-words.constants';
import type { WorldWriter } from './world.writer';

type SalesKind = 'estimate' | 'membership' | 'equipment';

/** What the business sells beyond a visit: estimates sold or dismissed, memberships, installed equipment. */
export class SalesActivity {
  readonly handlers: ActivityHandlers<SalesKind> = {
    estimate: () => this.estimate(),
    membership: () => this.membership(),
    equipment: (now) => this.equipment(now),
  };

  constructor(
    private readonly writer: WorldWriter,
    private readonly sample: ActivitySampler,
  ) {}

  private estimate(): ['estimate', number] | null {
    const rng = this.sample.rng;
    const open = this.sample.pick('estimate', (e) => e.status === 'Open' && e.deletedOn === null, 10);
    if (open && rng.chance(0.6)) {
      const option = rng.pick(open.options);
      const tech = this.sample.pick('employee', (e) => e.role === 'Technician' && e.active);
      if (rng.chance(0.6) && tech) this.writer.sellEstimate(open.id, option.id, tech.id);
      else this.writer.dismissEstimate(open.id);
      return ['estimate', open.id];
    }
    const job = this.sample.pick('job', (j) => j.status !== 'Canceled' && j.deletedOn === null);
    const item = this.sample.pick('pricebookItem', (p) => p.active);
    if (!job || !item) return null;
    const e = this.writer.createEstimate({
      jobId: job.id,
      name: 'Repair options',
      options: [
        { name: 'Repair', items: [{ pricebookItemId: item.id }] },
        { name: 'Replace', items: [{ pricebookItemId: item.id, quantityMilli: 2000 }] },
      ],
    });
    return ['estimate', e.id];
  }

  private membership(): ['membership', number] | null {
    const m = this.sample.pick('membership', (x) => x.status === 'Active' || x.status === 'Suspended');
    if (!m) return null;
    this.writer.setMembershipStatus(
      m.id,
      m.status === 'Suspended'
        ? 'Active'
        : this.sample.rng.pick(['Suspended', 'Canceled', 'Expired'] as const),
    );
    return ['membership', m.id];
  }

  private equipment(now: number): ['equipment', number] | null {
    const rng = this.sample.rng;
    const l = this.sample.pick('location', (x) => x.active);
    if (!l) return null;
    const [type, makers, prefix] = rng.pick(W.INSTALLED_EQUIPMENT);
    const manufacturer = rng.pick(makers);
    const e = this.writer.addEquipment({
      locationId: l.id,
      name: `${manufacturer} ${type}`,
      type,
      manufacturer,
      model: `${prefix}${rng.int(10, 99)}X`,
      serialNumber: rng.alphanumeric(10).toUpperCase(),
      installedOn: now,
      warrantyEnd: now + 10 * 365 * DAY,
    });
    return ['equipment', e.id];
  }
}
