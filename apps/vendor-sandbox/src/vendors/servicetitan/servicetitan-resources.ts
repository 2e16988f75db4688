import type { StoredRecord, WorldEntity, WorldStore } from '@fieldsync/sandbox-world';
import {
  ALL_DATE_FILTERS,
  parseDate,
  parseIdList,
  parseInteger,
  single,
  type ListCapabilities,
  type Parsed,
  type Query,
} from './servicetitan-query.util';
import { fieldProblem } from './servicetitan-problem.util';
import type { ServiceTitanRenderer, WireRow } from './servicetitan.renderer';

type AnyRecord = StoredRecord<WorldEntity>;
export type RowFilter = (record: AnyRecord) => boolean;

/** One ServiceTitan resource: where it lives, which world records it shows, how, and what its list takes. */
export interface ServiceTitanResource {
  /** Ground-truth entity name (`GET /__sandbox/world/export/:entity`). */
  readonly key: string;
  readonly module: string;
  /** Path under `/{module}/v2/tenant/{tenant}/`. */
  readonly path: string;
  /** Export feed path under `/{module}/v2/tenant/{tenant}/export/`, when there is one. */
  readonly exportPath: string;
  readonly entity: WorldEntity;
  /** operationIds in the published spec (contract tests look the schemas up by them). */
  readonly listOperationId: string;
  readonly getOperationId: string | null;
  /** Records of the entity this resource shows (technicians vs employees, services vs materials). */
  readonly scope?: RowFilter;
  readonly caps: ListCapabilities;
  /** Whether the wire row has `active` (exports add it where it does not). */
  readonly activeField: boolean;
  render(renderer: ServiceTitanRenderer, record: AnyRecord): WireRow;
  /** The operation's own filters (`customerId`, `jobStatus`, …); `store` for filters on related records. */
  filters?(query: Query, store: WorldStore): Parsed<RowFilter[]>;
}

const eq = (query: Query, name: string, field: string, filters: RowFilter[]): Parsed<void> => {
  const parsed = parseInteger(query, name, { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (!parsed.ok) return parsed;
  if (parsed.value !== undefined) {
    const value = parsed.value;
    filters.push((r) => (r as unknown as Record<string, unknown>)[field] === value);
  }
  return { ok: true, value: undefined };
};

/** Builds a filters() from simple equality params; `extra` adds the rest. */
function filtersOf(
  equalities: readonly (readonly [param: string, field: string])[],
  extra?: (query: Query, filters: RowFilter[], store: WorldStore) => Parsed<void>,
): (query: Query, store: WorldStore) => Parsed<RowFilter[]> {
  return (query, store) => {
    const filters: RowFilter[] = [];
    for (const [param, field] of equalities) {
      const r = eq(query, param, field, filters);
      if (!r.ok) return r;
    }
    if (extra) {
      const r = extra(query, filters, store);
      if (!r.ok) return r;
    }
    return { ok: true, value: filters };
  };
}

function enumFilter(
  query: Query,
  name: string,
  values: readonly string[],
  pick: (r: AnyRecord) => string,
  filters: RowFilter[],
): Parsed<void> {
  const raw = query[name];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const wanted = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).filter((v) => v !== '');
  const chosen: string[] = [];
  for (const w of wanted) {
    const found = values.find((v) => v.toLowerCase() === w.toLowerCase());
    if (!found) {
      return {
        ok: false,
        problem: fieldProblem(name, `The value '${w}' is not valid. Values: [${values.join(', ')}].`),
      };
    }
    chosen.push(found);
  }
  if (chosen.length) filters.push((r) => chosen.includes(pick(r)));
  return { ok: true, value: undefined };
}

function idListFilter(query: Query, name: string, field: string, filters: RowFilter[]): Parsed<void> {
  const parsed = parseIdList(query, name);
  if (!parsed.ok) return parsed;
  const ids = parsed.value;
  if (ids) filters.push((r) => ids.has((r as unknown as Record<string, number>)[field] as number));
  return { ok: true, value: undefined };
}

/** Appointments with an active assignment of the technician. */
function assignedTo(store: WorldStore, technicianId: number): RowFilter {
  return (r) =>
    store
      .children('assignment', 'appointmentId', r.id)
      .some((a) => a.deletedOn === null && a.technicianId === technicianId);
}

const FULL_LIST: ListCapabilities = { sort: 'sort', active: true, dateFilters: ALL_DATE_FILTERS };
const role = (r: AnyRecord): string => (r as StoredRecord<'employee'>).role;
const pricebookType = (r: AnyRecord): string => (r as StoredRecord<'pricebookItem'>).type;

/** Every resource the sandbox models, in the order of the vendor's modules. */
export const SERVICETITAN_RESOURCES: readonly ServiceTitanResource[] = [
  {
    key: 'customers',
    module: 'crm',
    path: 'customers',
    exportPath: 'customers',
    entity: 'customer',
    listOperationId: 'Customers_GetList',
    getOperationId: 'Customers_Get',
    caps: FULL_LIST,
    activeField: true,
    render: (x, r) => x.customer(r as StoredRecord<'customer'>),
    // Customers_GetList's own filters: `name` matches part of the name, the address fields match whole
    // values, all case-insensitively (what a duplicate check before a create needs).
    filters: filtersOf([], (query, filters) => {
      const name = single(query, 'name')?.toLowerCase();
      if (name !== undefined) {
        filters.push((r) => (r as StoredRecord<'customer'>).name.toLowerCase().includes(name));
      }
      for (const field of ['street', 'unit', 'city', 'state', 'zip'] as const) {
        const value = single(query, field)?.toLowerCase();
        if (value !== undefined) {
          filters.push((r) => ((r as StoredRecord<'customer'>).address[field] ?? '').toLowerCase() === value);
        }
      }
      return { ok: true, value: undefined };
    }),
  },
  {
    key: 'locations',
    module: 'crm',
    path: 'locations',
    exportPath: 'locations',
    entity: 'location',
    listOperationId: 'Locations_GetList',
    getOperationId: 'Locations_Get',
    caps: FULL_LIST,
    activeField: true,
    render: (x, r) => x.location(r as StoredRecord<'location'>),
    filters: filtersOf([['customerId', 'customerId']]),
  },
  {
    key: 'contacts',
    module: 'crm',
    path: 'customers/contacts',
    exportPath: 'customers/contacts',
    entity: 'contact',
    listOperationId: 'Customers_GetModifiedContactsList',
    getOperationId: null,
    caps: { sort: null, active: false, dateFilters: ['modifiedOnOrAfter', 'modifiedBefore'] },
    activeField: false,
    render: (x, r) => x.contact(r as StoredRecord<'contact'>),
  },
  {
    key: 'jobs',
    module: 'jpm',
    path: 'jobs',
    exportPath: 'jobs',
    entity: 'job',
    listOperationId: 'Jobs_GetList',
    getOperationId: 'Jobs_Get',
    caps: { sort: 'sort', active: false, dateFilters: ALL_DATE_FILTERS },
    activeField: false,
    render: (x, r) => x.job(r as StoredRecord<'job'>),
    filters: filtersOf(
      [
        ['customerId', 'customerId'],
        ['locationId', 'locationId'],
        ['businessUnitId', 'businessUnitId'],
        ['jobTypeId', 'jobTypeId'],
        ['campaignId', 'campaignId'],
        ['soldById', 'soldById'],
      ],
      (query, filters) => {
        const number = single(query, 'number');
        if (number !== undefined) filters.push((r) => (r as StoredRecord<'job'>).jobNumber === number);
        const r = enumFilter(
          query,
          'jobStatus',
          ['Scheduled', 'InProgress', 'Hold', 'Completed', 'Canceled'],
          (j) => (j as StoredRecord<'job'>).status,
          filters,
        );
        if (!r.ok) return r;
        for (const [name, test] of [
          ['completedOnOrAfter', (c: number, t: number) => c >= t],
          ['completedBefore', (c: number, t: number) => c < t],
        ] as const) {
          const d = parseDate(query, name);
          if (!d.ok) return d;
          const t = d.value;
          if (t !== undefined) {
            filters.push((j) => {
              const c = (j as StoredRecord<'job'>).completedOn;
              return c !== null && test(c, t);
            });
          }
        }
        return { ok: true, value: undefined };
      },
    ),
  },
  {
    key: 'appointments',
    module: 'jpm',
    path: 'appointments',
    exportPath: 'appointments',
    entity: 'appointment',
    listOperationId: 'Appointments_GetList',
    getOperationId: 'Appointments_Get',
    caps: { sort: 'sort', active: false, dateFilters: ALL_DATE_FILTERS },
    activeField: false,
    render: (x, r) => x.appointment(r as StoredRecord<'appointment'>),
    filters: filtersOf([['jobId', 'jobId']], (query, filters, store) => {
      // `technicianId`: appointments the technician is currently assigned to.
      const technician = parseInteger(query, 'technicianId', { min: 1, max: Number.MAX_SAFE_INTEGER });
      if (!technician.ok) return technician;
      const technicianId = technician.value;
      if (technicianId !== undefined) filters.push(assignedTo(store, technicianId));
      const number = single(query, 'number');
      if (number !== undefined) {
        filters.push((r) => (r as StoredRecord<'appointment'>).appointmentNumber === number);
      }
      const s = enumFilter(
        query,
        'status',
        ['Scheduled', 'Dispatched', 'Working', 'Hold', 'Done', 'Canceled'],
        (a) => (a as StoredRecord<'appointment'>).status,
        filters,
      );
      if (!s.ok) return s;
      for (const [name, test] of [
        ['startsOnOrAfter', (s0: number, t: number) => s0 >= t],
        ['startsBefore', (s0: number, t: number) => s0 < t],
      ] as const) {
        const d = parseDate(query, name);
        if (!d.ok) return d;
        const t = d.value;
        if (t !== undefined) filters.push((a) => test((a as StoredRecord<'appointment'>).start, t));
      }
      return { ok: true, value: undefined };
    }),
  },
  {
    key: 'appointment-assignments',
    module: 'dispatch',
    path: 'appointment-assignments',
    exportPath: 'appointment-assignments',
    entity: 'assignment',
    listOperationId: 'AppointmentAssignments_GetList',
    getOperationId: null,
    caps: { sort: null, active: false, dateFilters: [] },
    activeField: false,
    render: (x, r) => x.assignment(r as StoredRecord<'assignment'>),
    filters: filtersOf([['jobId', 'jobId']], (query, filters) =>
      idListFilter(query, 'appointmentIds', 'appointmentId', filters),
    ),
  },
  {
    key: 'technicians',
    module: 'settings',
    path: 'technicians',
    exportPath: 'technicians',
    entity: 'employee',
    listOperationId: 'Technicians_GetList',
    getOperationId: 'Technicians_Get',
    scope: (r) => role(r) === 'Technician',
    caps: { sort: null, active: true, dateFilters: ALL_DATE_FILTERS },
    activeField: true,
    render: (x, r) => x.technician(r as StoredRecord<'employee'>),
  },
  {
    key: 'employees',
    module: 'settings',
    path: 'employees',
    exportPath: 'employees',
    entity: 'employee',
    listOperationId: 'Employees_GetList',
    getOperationId: 'Employees_Get',
    scope: (r) => role(r) !== 'Technician',
    caps: { sort: null, active: true, dateFilters: ALL_DATE_FILTERS },
    activeField: true,
    render: (x, r) => x.employee(r as StoredRecord<'employee'>),
  },
  {
    key: 'estimates',
    module: 'sales',
    path: 'estimates',
    exportPath: 'estimates',
    entity: 'estimate',
    listOperationId: 'Estimates_GetList',
    getOperationId: 'Estimates_Get',
    caps: { sort: 'orderBy', active: true, dateFilters: ALL_DATE_FILTERS },
    activeField: true,
    render: (x, r) => x.estimate(r as StoredRecord<'estimate'>),
    filters: filtersOf([['jobId', 'jobId']], (query, filters) =>
      enumFilter(
        query,
        'status',
        ['Open', 'Sold', 'Dismissed'],
        (e) => (e as StoredRecord<'estimate'>).status,
        filters,
      ),
    ),
  },
  {
    key: 'invoices',
    module: 'accounting',
    path: 'invoices',
    exportPath: 'invoices',
    entity: 'invoice',
    listOperationId: 'Invoices_GetList',
    getOperationId: null,
    caps: { sort: 'orderBy', active: false, dateFilters: ALL_DATE_FILTERS },
    activeField: false,
    render: (x, r) => x.invoice(r as StoredRecord<'invoice'>),
    filters: filtersOf(
      [
        ['customerId', 'customerId'],
        ['jobId', 'jobId'],
      ],
      (query, filters) =>
        enumFilter(
          query,
          'statuses',
          ['Pending', 'Posted', 'Exported'],
          (i) => (i as StoredRecord<'invoice'>).status,
          filters,
        ),
    ),
  },
  {
    key: 'payments',
    module: 'accounting',
    path: 'payments',
    exportPath: 'payments',
    entity: 'payment',
    listOperationId: 'Payments_GetList',
    getOperationId: null,
    caps: { sort: null, active: false, dateFilters: ALL_DATE_FILTERS },
    activeField: false,
    render: (x, r) => x.payment(r as StoredRecord<'payment'>),
    filters: filtersOf([['customerId', 'customerId']]),
  },
  {
    key: 'services',
    module: 'pricebook',
    path: 'services',
    exportPath: 'services',
    entity: 'pricebookItem',
    listOperationId: 'Services_GetList',
    getOperationId: 'Services_Get',
    scope: (r) => pricebookType(r) === 'Service',
    caps: FULL_LIST,
    activeField: true,
    render: (x, r) => x.service(r as StoredRecord<'pricebookItem'>),
  },
  {
    key: 'materials',
    module: 'pricebook',
    path: 'materials',
    exportPath: 'materials',
    entity: 'pricebookItem',
    listOperationId: 'Materials_GetList',
    getOperationId: 'Materials_Get',
    scope: (r) => pricebookType(r) === 'Material',
    caps: FULL_LIST,
    activeField: true,
    render: (x, r) => x.material(r as StoredRecord<'pricebookItem'>),
  },
  {
    key: 'equipment',
    module: 'pricebook',
    path: 'equipment',
    exportPath: 'equipment',
    entity: 'pricebookItem',
    listOperationId: 'Equipment_GetList',
    getOperationId: 'Equipment_Get',
    scope: (r) => pricebookType(r) === 'Equipment',
    caps: FULL_LIST,
    activeField: true,
    render: (x, r) => x.equipment(r as StoredRecord<'pricebookItem'>),
  },
  {
    key: 'memberships',
    module: 'memberships',
    path: 'memberships',
    exportPath: 'memberships',
    entity: 'membership',
    listOperationId: 'CustomerMemberships_GetList',
    getOperationId: 'CustomerMemberships_Get',
    caps: { sort: null, active: true, dateFilters: ALL_DATE_FILTERS },
    activeField: true,
    render: (x, r) => x.membership(r as StoredRecord<'membership'>),
    filters: filtersOf([], (query, filters) => {
      const ids = idListFilter(query, 'customerIds', 'customerId', filters);
      if (!ids.ok) return ids;
      return enumFilter(
        query,
        'status',
        ['Active', 'Suspended', 'Expired', 'Canceled', 'Deleted'],
        (m) => {
          const membership = m as StoredRecord<'membership'>;
          return membership.deletedOn !== null ? 'Deleted' : membership.status;
        },
        filters,
      );
    }),
  },
  {
    key: 'installed-equipment',
    module: 'equipmentsystems',
    path: 'installed-equipment',
    exportPath: 'installed-equipment',
    entity: 'equipment',
    listOperationId: 'InstalledEquipment_GetList',
    getOperationId: 'InstalledEquipment_Get',
    caps: { sort: 'sort', active: false, dateFilters: ALL_DATE_FILTERS },
    activeField: false,
    render: (x, r) => x.installedEquipment(r as StoredRecord<'equipment'>),
    filters: filtersOf([], (query, filters) => idListFilter(query, 'locationIds', 'locationId', filters)),
  },
];

export function resourceByKey(key: string): ServiceTitanResource | undefined {
  return SERVICETITAN_RESOURCES.find((r) => r.key === key);
}
