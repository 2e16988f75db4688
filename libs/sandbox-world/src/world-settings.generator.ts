import type { GenerationTimeline } from './world-generation.timeline';
import { DAY } from './world-time.constants';
import * as W from './world-words.constants';
import type { PaymentMethod } from './world.schema';
import type { WorldLoader } from './world.loader';

/** The tenant's settings as generated: ids in the order of the word lists they come from. */
export interface GeneratedSettings {
  readonly businessUnitIds: readonly number[];
  readonly jobTypeIds: readonly number[];
  readonly campaignIds: readonly number[];
  readonly taxZoneIds: readonly number[];
  /** Parts per million, by tax zone index. */
  readonly taxRates: readonly number[];
  readonly paymentTypes: readonly { id: number; method: PaymentMethod }[];
}

/** Business units, job types, campaigns, tax zones and payment types, set up when the business was founded. */
export class SettingsGenerator {
  constructor(
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
  ) {}

  /** `small` worlds keep the first 8 job types. No random draws. */
  generate(small: boolean): GeneratedSettings {
    const at = this.timeline.founding;
    const base = this.timeline.base.bind(this.timeline);
    const businessUnitIds: number[] = [];
    const jobTypeIds: number[] = [];
    const campaignIds: number[] = [];
    const taxZoneIds: number[] = [];
    const taxRates: number[] = [];
    const paymentTypes: { id: number; method: PaymentMethod }[] = [];
    for (const name of W.BUSINESS_UNITS)
      businessUnitIds.push(this.loader.add('businessUnit', { ...base(at), name }).id);
    for (const [name, unit, slots] of W.JOB_TYPES) {
      if (small && jobTypeIds.length >= 8) break;
      const jt = this.loader.add('jobType', {
        ...base(at + DAY),
        name,
        businessUnitId: businessUnitIds[unit] as number,
        durationMinutes: slots * 120 - 30,
      });
      jobTypeIds.push(jt.id);
    }
    W.CAMPAIGNS.forEach((name, i) => {
      const c = this.loader.add('campaign', {
        ...base(at + (i + 2) * DAY, at + (i + 2) * DAY, i !== 8),
        name,
        category: i < 3 || i === 8 ? 'Online' : i === 3 || i === 6 ? 'Word of Mouth' : 'Offline',
      });
      campaignIds.push(c.id);
    });
    for (const [name, ratePpm] of W.TAX_ZONES) {
      taxZoneIds.push(this.loader.add('taxZone', { ...base(at), name, ratePpm }).id);
      taxRates.push(ratePpm);
    }
    for (const [name, method] of W.PAYMENT_TYPES) {
      const pt = this.loader.add('paymentType', { ...base(at), name, method });
      paymentTypes.push({ id: pt.id, method });
    }
    return { businessUnitIds, jobTypeIds, campaignIds, taxZoneIds, taxRates, paymentTypes };
  }
}
