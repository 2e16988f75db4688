import type { World } from '@fieldsync/sandbox-world';
import type { GroundTruth } from '../../portal/portal.types';
import { hcpId } from './housecallpro-ids.util';
import { HousecallProRenderer } from './housecallpro.renderer';

/**
 * The resources Housecall Pro's data API serves, as `GET /__sandbox/world/export/:entity` exports them:
 * every record the API lists, in world id order, exactly as the API renders it (appointments, which the
 * API serves per job, carry their `job_id`).
 */
export const HOUSECALLPRO_EXPORT_ENTITIES = [
  'customers',
  'jobs',
  'appointments',
  'estimates',
  'invoices',
  'employees',
  'lead_sources',
  'tags',
] as const;

export const housecallproGroundTruth: GroundTruth = {
  entities: HOUSECALLPRO_EXPORT_ENTITIES,
  export(world: World, entity: string): readonly unknown[] {
    const s = world.store;
    const r = new HousecallProRenderer(s);
    const live = (x: { deletedOn: number | null }) => x.deletedOn === null;
    switch (entity) {
      case 'customers':
        return [...s.all('customer')].filter((c) => r.isCustomerVisible(c)).map((c) => r.customer(c));
      case 'jobs':
        return [...s.all('job')].filter((j) => r.isJobVisible(j)).map((j) => r.job(j));
      case 'appointments':
        return [...s.all('job')]
          .filter((j) => r.isJobVisible(j))
          .flatMap((j) =>
            r.liveAppointments(j.id).map((a) => ({ ...r.appointment(a), job_id: hcpId('job', j.id) })),
          );
      case 'estimates':
        return [...s.all('estimate')].filter(live).map((e) => r.estimate(e));
      case 'invoices':
        return [...s.all('invoice')].filter(live).map((i) => r.invoice(i));
      case 'employees':
        return [...s.all('employee')].filter((e) => live(e) && e.active).map((e) => r.employee(e));
      case 'lead_sources':
        return [...s.all('campaign')].filter(live).map((c) => r.leadSource(c));
      case 'tags':
        return r.tags();
      default:
        return [];
    }
  },
};
