import type { EstimatePlan, JobPlan } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import { lineTotal, sumLines } from './world-money.util';
import { byCreated } from './world-plan-order.util';
import type { GeneratedPricebook } from './world-pricebook.generator';
import type { WorldRng } from './world-rng.util';
import type { GeneratedStaff } from './world-staff.generator';
import { DAY, MINUTE } from './world-time.constants';
import * as W from './world-words.constants';
import type { Estimate, Job, WorldLineItem } from './world.schema';
import type { WorldLoader } from './world.loader';

/**
 * Estimates written at a job's first visit (almost always for replacements and installs, sometimes
 * otherwise): Good / Better / Best options from the pricebook, then sold, dismissed or still open.
 */
export class EstimateGenerator {
  private readonly estimates: EstimatePlan[] = [];

  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
    private readonly pricebook: GeneratedPricebook,
    private readonly staff: GeneratedStaff,
  ) {}

  plan(jobs: readonly JobPlan[]): void {
    const rng = this.rng;
    this.estimates.push(
      ...jobs
        .filter((j) => rng.chance(j.jobType === 14 || j.jobType === 4 ? 0.9 : 0.12))
        .flatMap((job) => this.estimatePlan(job)),
    );
  }

  /** Inserts the estimates in createdOn order (after their jobs). */
  insert(): void {
    for (const e of byCreated(this.estimates)) {
      const job = e.job.rec as Job;
      this.loader.add('estimate', {
        ...e.fields,
        jobId: job.id,
        customerId: job.customerId,
        locationId: job.locationId,
      });
    }
  }

  private estimatePlan(job: JobPlan): EstimatePlan[] {
    const rng = this.rng;
    const now = this.timeline.now;
    const first = job.appointments[0];
    if (!first || first.start + 30 * MINUTE > now || job.status === 'Canceled') return [];
    const createdOn = first.start + 30 * MINUTE;
    const [typeName, unit] = W.JOB_TYPES[job.jobType] as (typeof W.JOB_TYPES)[number];
    const catalog = this.pricebook.byUnit[unit === 0 ? 1 : unit === 2 ? 3 : unit] ?? this.pricebook.items;
    const optionCount = rng.int(1, 3);
    const options = W.ESTIMATE_OPTION_NAMES.slice(3 - optionCount).map((name, i) => {
      const items: WorldLineItem[] = [];
      for (let k = 0; k < 1 + i && catalog.length; k++) {
        const p = rng.pick(catalog);
        const quantityMilli = p.type === 'Service' ? 1000 : rng.int(1, 2) * 1000;
        items.push({
          id: this.loader.lineItemId(),
          type: p.type,
          pricebookItemId: p.id,
          code: p.code,
          description: p.name,
          quantityMilli,
          unitPrice: p.price,
          total: lineTotal(quantityMilli, p.price),
          taxable: p.taxable,
        });
      }
      if (!items.length) {
        items.push({
          id: this.loader.lineItemId(),
          type: 'Service',
          pricebookItemId: null,
          code: '',
          description: typeName,
          quantityMilli: 1000,
          unitPrice: 10_000,
          total: 10_000,
          taxable: false,
        });
      }
      return { id: this.loader.optionId(), name, items, subTotal: sumLines(items) };
    });
    let status: Estimate['status'] = 'Open';
    let soldOn: number | null = null;
    let modifiedOn = createdOn;
    if (job.status === 'Completed' || createdOn < now - 14 * DAY) {
      const roll = rng.next();
      if (roll < 0.5) status = 'Sold';
      else if (roll < 0.75) status = 'Dismissed';
      if (status !== 'Open')
        modifiedOn = Math.min(createdOn + rng.int(0, 5) * DAY + rng.int(1, 60) * MINUTE, now);
      if (status === 'Sold') soldOn = modifiedOn;
    }
    const soldOption = status === 'Sold' ? rng.pick(options) : null;
    const tech = first.technicians[0];
    const { techs, office } = this.staff;
    return [
      {
        job,
        createdOn,
        fields: {
          ...this.timeline.base(createdOn, modifiedOn),
          name: `${typeName} options`,
          status,
          options,
          soldOptionId: soldOption?.id ?? null,
          soldOn,
          soldById: status === 'Sold' ? ((tech === undefined ? office[0] : techs[tech])?.id ?? null) : null,
        },
      },
    ];
  }
}
