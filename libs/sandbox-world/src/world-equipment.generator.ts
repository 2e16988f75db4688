import type { EquipmentPlan, JobPlan, LocationPlan } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import type { WorldRng } from './world-rng.util';
import { DAY } from './world-time.constants';
import * as W from './world-words.constants';
import type { Location } from './world.schema';
import type { WorldLoader } from './world.loader';

/** Installed equipment: found at a location when it was added, or put in by a completed multi-slot job. */
export class EquipmentGenerator {
  private readonly equipment: EquipmentPlan[] = [];

  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
  ) {}

  /** Equipment already there when each site was added (installed months to years before). */
  planAtSites(sites: readonly LocationPlan[]): void {
    const { rng, timeline } = this;
    for (const site of sites) {
      if (!rng.chance(0.22)) continue;
      for (let k = rng.int(1, 2); k > 0; k--) {
        const installedOn = site.createdOn - rng.int(200, 15 * 365) * DAY;
        this.equipment.push({
          location: site,
          fields: this.fields(timeline.later(rng, site.createdOn), installedOn),
        });
      }
    }
  }

  /** Equipment a completed installation job (more than one slot long) put in. */
  planFromJobs(completed: readonly JobPlan[]): void {
    for (const job of completed) {
      const [, , slots] = W.JOB_TYPES[job.jobType] as (typeof W.JOB_TYPES)[number];
      if (slots > 1 && this.rng.chance(0.6) && job.completedOn !== null) {
        this.equipment.push({
          location: job.location,
          fields: this.fields(job.completedOn, job.completedOn),
        });
      }
    }
  }

  /** Inserts the equipment in createdOn order (after the locations). */
  insert(): void {
    for (const e of this.equipment.sort(
      (a, b) => (a.fields['createdOn'] as number) - (b.fields['createdOn'] as number),
    )) {
      const location = e.location.rec as Location;
      this.loader.add('equipment', {
        ...e.fields,
        customerId: location.customerId,
        locationId: location.id,
      } as never);
    }
  }

  private fields(createdOn: number, installedOn: number): Record<string, unknown> {
    const rng = this.rng;
    const [type, makers, prefix] = rng.pick(W.INSTALLED_EQUIPMENT);
    const manufacturer = rng.pick(makers);
    const year = new Date(installedOn).getUTCFullYear();
    return {
      ...this.timeline.base(createdOn),
      name: `${manufacturer} ${type}`,
      type,
      manufacturer,
      model: `${prefix}${rng.int(10, 99)}${rng.alphanumeric(3).toUpperCase()}`,
      serialNumber: `${String(year % 100).padStart(2, '0')}${String(rng.int(1, 52)).padStart(2, '0')}${rng.alphanumeric(8).toUpperCase()}`,
      installedOn,
      warrantyEnd: rng.chance(0.7) ? installedOn + rng.pick([5, 10]) * 365 * DAY : null,
    };
  }
}
