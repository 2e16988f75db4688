import type { FastifyInstance } from 'fastify';
import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import type { PortalKit } from '../../portal/portal.types';
import { sendProblem } from './servicetitan-problem.util';
import { parseListQuery } from './servicetitan-query.util';
import { SERVICETITAN_TAG_TYPES } from './servicetitan-tag-types';
import type { TenantRoute } from './servicetitan-read.routes';
import { iso, type WireRow } from './servicetitan.renderer';

/**
 * The settings lists a write needs ids from (business units, job types, campaigns, payment types, hold
 * and cancel reasons, tag types), paged like every v2 list. The world keeps no hold or cancel reasons: ServiceTitan
 * tenants start with these, so the sandbox serves them as constants.
 */
export const SERVICETITAN_JOB_HOLD_REASONS: readonly { id: number; name: string; active: boolean }[] = [
  { id: 101, name: 'Waiting on parts', active: true },
  { id: 102, name: 'Customer requested', active: true },
  { id: 103, name: 'Waiting on approval', active: true },
];
export const SERVICETITAN_JOB_CANCEL_REASONS: readonly { id: number; name: string; active: boolean }[] = [
  { id: 201, name: 'Customer canceled', active: true },
  { id: 202, name: 'Duplicate job', active: true },
  { id: 203, name: 'Scheduled in error', active: true },
];

interface Lookup {
  readonly path: string;
  /** Every row, active or not, with its `active`. */
  rows(store: WorldStore): { active: boolean; row: WireRow }[];
}

const live = <E extends 'businessUnit' | 'jobType' | 'campaign' | 'paymentType'>(
  store: WorldStore,
  entity: E,
  render: (r: StoredRecord<E>) => WireRow,
): { active: boolean; row: WireRow }[] =>
  [...store.all(entity)]
    .filter((r) => r.deletedOn === null)
    .map((r) => ({ active: r.active, row: render(r) }));

const LOOKUPS: readonly Lookup[] = [
  {
    path: '/settings/v2/tenant/:tenant/business-units',
    rows: (store) =>
      live(store, 'businessUnit', (b) => ({
        id: b.id,
        active: b.active,
        name: b.name,
        officialName: b.name,
        modifiedOn: iso(b.modifiedOn),
      })),
  },
  {
    path: '/jpm/v2/tenant/:tenant/job-types',
    rows: (store) =>
      live(store, 'jobType', (t) => ({
        id: t.id,
        name: t.name,
        businessUnitIds: [t.businessUnitId],
        duration: t.durationMinutes * 60,
        active: t.active,
        modifiedOn: iso(t.modifiedOn),
      })),
  },
  {
    path: '/marketing/v2/tenant/:tenant/campaigns',
    rows: (store) =>
      live(store, 'campaign', (c) => ({
        id: c.id,
        name: c.name,
        active: c.active,
        category: { name: c.category },
        createdOn: iso(c.createdOn),
        modifiedOn: iso(c.modifiedOn),
      })),
  },
  {
    path: '/accounting/v2/tenant/:tenant/payment-types',
    rows: (store) =>
      live(store, 'paymentType', (p) => ({ id: p.id, name: p.name, modifiedOn: iso(p.modifiedOn) })),
  },
  {
    path: '/jpm/v2/tenant/:tenant/job-hold-reasons',
    rows: () => SERVICETITAN_JOB_HOLD_REASONS.map((r) => ({ active: r.active, row: { ...r } })),
  },
  {
    path: '/jpm/v2/tenant/:tenant/job-cancel-reasons',
    rows: () => SERVICETITAN_JOB_CANCEL_REASONS.map((r) => ({ active: r.active, row: { ...r } })),
  },
  {
    path: '/settings/v2/tenant/:tenant/tag-types',
    rows: () => SERVICETITAN_TAG_TYPES.map((t) => ({ active: t.active, row: { ...t } })),
  },
];

export function registerLookupRoutes(api: FastifyInstance, kit: PortalKit): void {
  for (const lookup of LOOKUPS) {
    api.get<TenantRoute>(lookup.path, async (request, reply) => {
      const q = parseListQuery(request.query, { sort: null, active: true, dateFilters: [] });
      if (!q.ok) return sendProblem(reply, q.problem);
      const { page, pageSize, includeTotal, ids, active } = q.value;
      const rows = lookup
        .rows(kit.world.world.store)
        .filter((r) => (active === 'Any' ? true : active === 'True' ? r.active : !r.active))
        .filter((r) => ids === null || ids.has(r.row['id'] as number))
        .map((r) => r.row);
      const skip = (page - 1) * pageSize;
      return {
        page,
        pageSize,
        hasMore: rows.length > skip + pageSize,
        totalCount: includeTotal ? rows.length : null,
        data: rows.slice(skip, skip + pageSize),
      };
    });
  }
}
