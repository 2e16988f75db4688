import type { MembershipStatus, StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PortalKit } from '../../portal/portal.types';
import { hcpId } from './housecallpro-ids.util';
import { HcpBadRequest, TIMESTAMPS, first, many, page, type Query } from './housecallpro-paging.util';
import { HousecallProRenderer, type HcpRow } from './housecallpro.renderer';

/** The web app's words for a service plan agreement's state. */
export const SERVICE_PLAN_STATUS: Readonly<Record<MembershipStatus, string>> = {
  Active: 'active',
  Suspended: 'paused',
  Expired: 'expired',
  Canceled: 'canceled',
};
const iso = (ms: number): string => new Date(ms).toISOString();

/** The agreements the web app lists: live ones of customers it shows (a merged or deleted customer's are gone). */
export function listedServicePlans(store: WorldStore): StoredRecord<'membership'>[] {
  const r = new HousecallProRenderer(store);
  const out: StoredRecord<'membership'>[] = [];
  for (const m of store.all('membership')) {
    if (m.deletedOn !== null) continue;
    const customer = store.get('customer', m.customerId);
    if (customer && r.isCustomerVisible(customer)) out.push(m);
  }
  return out;
}

/**
 * One service plan agreement as the web app's JSON carries it: the customer and the service address it
 * covers, the plan's name, its state, its billing (frequency and price per period in cents), its term
 * (start and end dates), when it was canceled (the agreement's last change, for a canceled one) and its
 * times.
 */
export function servicePlanRow(m: StoredRecord<'membership'>): HcpRow {
  return {
    id: hcpId('servicePlan', m.id),
    customer_id: hcpId('customer', m.customerId),
    address_id: hcpId('serviceAddress', m.locationId),
    name: m.name,
    status: SERVICE_PLAN_STATUS[m.status],
    billing_frequency: m.billingFrequency === 'Monthly' ? 'monthly' : 'yearly',
    price: m.price,
    start_date: iso(m.from).slice(0, 10),
    end_date: iso(m.to).slice(0, 10),
    canceled_at: m.status === 'Canceled' ? iso(m.modifiedOn) : null,
    created_at: iso(m.createdOn),
    updated_at: iso(m.modifiedOn),
  };
}

/**
 * The pro web app's service plan list (Customers → Service plans). Housecall Pro's published v1 API has
 * no service plan resource; the pro web app is a single-page app whose screens load their data as JSON
 * from the web app's own endpoints behind the session cookie (the same session the v1 calls ride on),
 * so the list is modelled as that JSON call — `GET /app/api/service_plan_agreements` — rather than as
 * an HTML screen to scrape: it is what the real screen fetches, and reading it needs no browser. It
 * pages and sorts like the v1 lists (`page`, `page_size` ≤ 100, `sort_by` created_at|updated_at|id,
 * `sort_direction`; `{ page, page_size, total_pages, total_items, service_plan_agreements[] }`) and
 * filters by `status[]` (the web app's words: active, paused, expired, canceled) and `customer_id`.
 * Mounted inside the data API's scope, so the session, the account's rate limit and the faults apply.
 */
export function mountServicePlans(api: FastifyInstance, kit: PortalKit): void {
  api.get('/app/api/service_plan_agreements', async (request: FastifyRequest) => {
    const query = request.query as Query;
    const statuses = many(query, 'status');
    const words = Object.values(SERVICE_PLAN_STATUS);
    for (const s of statuses)
      if (!words.includes(s)) throw new HcpBadRequest(`status must be one of ${words.join(', ')}`);
    const customer = first(query['customer_id']);
    const rows = listedServicePlans(kit.world.world.store).filter(
      (m) =>
        (statuses.length === 0 || statuses.includes(SERVICE_PLAN_STATUS[m.status])) &&
        (customer === undefined || hcpId('customer', m.customerId) === customer),
    );
    return page(query, rows, TIMESTAMPS, servicePlanRow, 'service_plan_agreements');
  });
}
