import type { World } from '@fieldsync/sandbox-world';
import type { GroundTruth } from '../../portal/portal.types';
import { hcpId } from './housecallpro-ids.util';
import { HousecallProPricebookRenderer } from './housecallpro-pricebook.renderer';
import { listedServicePlans, servicePlanRow } from './housecallpro-service-plans.routes';
import { HousecallProRenderer } from './housecallpro.renderer';

/**
 * The resources Housecall Pro's data API serves, as `GET /__sandbox/world/export/:entity` exports them:
 * every record the API lists, in world id order, exactly as the API renders it (appointments, which the
 * API serves per job, carry their `job_id`). The price book's services, material categories and
 * materials are exported whole (the API lists categories per parent and materials per category); the
 * service plan agreements are those of the web app's list (housecallpro-service-plans.routes.ts).
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
  'pricebook_services',
  'material_categories',
  'materials',
  'service_plan_agreements',
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
      case 'pricebook_services': {
        const pb = new HousecallProPricebookRenderer(s);
        return pb.services().map((p) => pb.service(p));
      }
      case 'material_categories': {
        const pb = new HousecallProPricebookRenderer(s);
        return pb.categories().map((c) => pb.category(c));
      }
      case 'materials': {
        const pb = new HousecallProPricebookRenderer(s);
        const categories = new Map(pb.categories().map((c) => [c.uuid, c]));
        return pb.materials().map((p) => pb.material(p, categories));
      }
      case 'service_plan_agreements':
        return listedServicePlans(s).map(servicePlanRow);
      default:
        return [];
    }
  },
};
