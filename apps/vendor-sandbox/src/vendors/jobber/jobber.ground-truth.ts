import type { StoredRecord, World } from '@fieldsync/sandbox-world';
import type { GroundTruth } from '../../portal/portal.types';
import { JobberMapper } from './jobber.mapper';

/**
 * `GET /__sandbox/world/export/:entity` for Jobber: every object Jobber holds, in id order, exactly as
 * a query selecting its scalar fields (and `{ id }` of its references, and a client's tags) returns it.
 */
export const JOBBER_EXPORT_ENTITIES = [
  'clients',
  'properties',
  'requests',
  'quotes',
  'jobs',
  'visits',
  'invoices',
  'paymentRecords',
  'users',
  'productsAndServices',
] as const;

export const jobberGroundTruth: GroundTruth = {
  entities: JOBBER_EXPORT_ENTITIES,
  export(world: World, entity: string): readonly unknown[] {
    const m = new JobberMapper(world);
    const s = world.store;
    const pick = <R, T>(records: Iterable<R>, visible: (r: R) => boolean, render: (r: R) => T): T[] => {
      const out: T[] = [];
      for (const r of records) if (visible(r)) out.push(render(r));
      return out;
    };
    const live = (r: { deletedOn: number | null }) => r.deletedOn === null;
    switch (entity) {
      case 'clients':
        return pick(
          s.all('customer'),
          (c) => m.isClientVisible(c),
          (c) => m.client(c),
        );
      case 'properties':
        return pick(
          s.all('location'),
          (l) => m.isPropertyVisible(l),
          (l) => m.property(l),
        );
      case 'requests':
        return pick(s.all('estimate'), live, (e) => m.request(e));
      case 'quotes':
        return pick(s.all('estimate'), live, (e) => m.quote(e));
      case 'jobs':
        return pick(s.all('job'), live, (j) => m.job(j));
      case 'visits':
        return pick(
          s.all('appointment'),
          (a) => m.isVisitVisible(a),
          (a) => m.visit(a),
        );
      case 'invoices':
        return pick(s.all('invoice') as Iterable<StoredRecord<'invoice'>>, live, (i) => m.invoice(i));
      case 'paymentRecords':
        return pick(s.all('payment'), live, (p) => m.paymentRecord(p));
      case 'users':
        return pick(s.all('employee'), live, (e) => m.user(e));
      case 'productsAndServices':
        return pick(s.all('pricebookItem'), live, (p) => m.productOrService(p));
      default:
        return [];
    }
  },
};
