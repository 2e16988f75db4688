import { EntityType } from './entity-type.schema';

/**
 * Canonical id prefix per entity, following the seeds where they show one: `cl_` (clients/customers),
 * `job_`, `vis_` (visits = appointments), `qte_` (quotes = estimates), `inv_`, `pay_`, `tech_`, `upl_`
 * (uploads = attachments). Deviations, on purpose:
 * - locations are `loc_` (DESIGN.md), not the Jobber seed's `prp_`: one prefix for every vendor's
 *   property/location/service site.
 * - pricebook items are `pb_`, not the seeds' `svc_…` item codes, which are vendor SKUs (kept in `code`).
 * - `u_` in the seeds names the portal user of a session, not a canonical entity.
 */
export const ID_PREFIXES = {
  customer: 'cl',
  contact: 'ct',
  location: 'loc',
  technician: 'tech',
  job: 'job',
  appointment: 'vis',
  estimate: 'qte',
  invoice: 'inv',
  line_item: 'li',
  payment: 'pay',
  refund: 'rf',
  pricebook_item: 'pb',
  membership: 'mem',
  equipment: 'eq',
  attachment: 'upl',
  lead: 'lead',
  communication: 'comm',
  timesheet_entry: 'ts',
  warehouse: 'wh',
  stock_level: 'stk',
  purchase_order: 'po',
} as const satisfies Record<EntityType, string>;

export type IdPrefix = (typeof ID_PREFIXES)[EntityType];

/** Prefixes of ids that are not entities: events and commands (`evt_`/`cmd_` + ULID). */
export const EVENT_ID_PREFIX = 'evt';
export const COMMAND_ID_PREFIX = 'cmd';
