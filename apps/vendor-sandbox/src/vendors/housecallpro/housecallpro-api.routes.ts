import type { StoredRecord, WorldEntity, WorldStore } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PortalKit } from '../../portal/portal.types';
import { worldIdOf, type HcpIdKind } from './housecallpro-ids.util';
import { mountHousecallProWrites } from './housecallpro-api-writes.routes';
import { HousecallProPricebookRenderer } from './housecallpro-pricebook.renderer';
import { HousecallProRateLimiter } from './housecallpro-rate-limiter';
import { mountServicePlans } from './housecallpro-service-plans.routes';
import { HousecallProRenderer } from './housecallpro.renderer';
import { WORK_STATUS_FILTER } from './housecallpro-work-status.util';
import {
  HcpBadRequest,
  MAX_PAGE_SIZE,
  TIMESTAMPS,
  expandOf,
  first,
  instant,
  many,
  page,
  positiveInt,
  serviceFilters,
  sortedPage,
  within,
  type Query,
} from './housecallpro-paging.util';

export interface HousecallProApiOptions {
  /** Requests per rolling minute for the account; 0 turns the limit off (SANDBOX_API_LIMITS=off). */
  requestsPerMinute?: number;
}
export const DEFAULT_REQUESTS_PER_MINUTE = 300;
/**
 * Housecall Pro's v1 data API over the world, as the pro web app calls it behind its session
 * (`https://api.housecallpro.com` paths, snake_case, integer cents, prefixed ids, `{ page, page_size,
 * total_pages, total_items, <resource>[] }`). Jobs filter only by schedule, `work_status` (filter words),
 * customer and employees — no updated-since filter; invoices by created/due/paid ranges and status.
 * Writes (customers, addresses, jobs, schedule, dispatch): housecallpro-api-writes.routes.ts. No endpoint
 * records a payment: that is the web app's invoice screen. The price book (`/api/price_book/services`,
 * `/material_categories`, `/materials`) answers in its own list shape (below). The web app's service
 * plan list (not in the v1 API) is mounted in the same scope: housecallpro-service-plans.routes.ts. 401 answers
 * `{"message":"Unauthorized"}`; over the limit, 429 with Retry-After.
 */
export function mountHousecallProApi(
  scope: FastifyInstance,
  kit: PortalKit,
  options: HousecallProApiOptions = {},
): void {
  const limiter = new HousecallProRateLimiter(
    options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    kit.clock,
  );
  kit.onReset(() => limiter.clear());

  void scope.register(async (api) => {
    // The framework answers a missing or expired session before any route; Housecall Pro's API says it so.
    api.addHook('onSend', async (_request, reply, payload) =>
      reply.statusCode === 401 ? JSON.stringify({ message: 'Unauthorized' }) : payload,
    );
    api.addHook('preHandler', async (_request, reply) => {
      const taken = limiter.take();
      if (!taken.ok) {
        return reply
          .code(429)
          .header('retry-after', String(taken.retryAfterSeconds))
          .send({ error: { message: 'Too many requests' } });
      }
      return undefined;
    });
    api.setErrorHandler(async (error, _request, reply) => {
      if (error instanceof HcpBadRequest) return reply.code(400).send({ error: { message: error.message } });
      throw error;
    });

    const render = (): { store: WorldStore; r: HousecallProRenderer } => {
      const store = kit.world.world.store;
      return { store, r: new HousecallProRenderer(store) };
    };
    const records = <E extends WorldEntity>(
      store: WorldStore,
      entity: E,
      keep: (x: StoredRecord<E>) => boolean,
    ) => {
      const out: StoredRecord<E>[] = [];
      for (const x of store.all(entity)) if (keep(x)) out.push(x);
      return out;
    };
    const live = (x: { deletedOn: number | null }) => x.deletedOn === null;
    const notFound = (reply: FastifyReply) => reply.code(404).send({ error: { message: 'Not Found' } });
    const lookup = <E extends WorldEntity>(
      store: WorldStore,
      entity: E,
      kind: HcpIdKind,
      id: string,
      visible: (x: StoredRecord<E>) => boolean,
    ): StoredRecord<E> | undefined => {
      const worldId = worldIdOf(kind, id);
      const found = worldId === undefined ? undefined : store.get(entity, worldId);
      return found && visible(found) ? found : undefined;
    };
    const q = (request: FastifyRequest) => request.query as Query;

    // ------------------------------------------------------------ customers
    api.get('/customers', async (request) => {
      const { store, r } = render();
      const search = (first(q(request)['q']) ?? '').toLowerCase();
      const rows = records(store, 'customer', (c) => r.isCustomerVisible(c)).filter(
        (c) => search === '' || c.name.toLowerCase().includes(search),
      );
      return page(
        q(request),
        rows,
        { ...TIMESTAMPS, updated_at: (c) => r.customerUpdatedAt(c) },
        (c) => r.customer(c),
        'customers',
      );
    });
    api.get<{ Params: { customer_id: string } }>('/customers/:customer_id', async (request, reply) => {
      const { store, r } = render();
      const c = lookup(store, 'customer', 'customer', request.params.customer_id, (x) =>
        r.isCustomerVisible(x),
      );
      return c ? r.customer(c) : notFound(reply);
    });
    api.get<{ Params: { customer_id: string } }>(
      '/customers/:customer_id/addresses',
      async (request, reply) => {
        const { store, r } = render();
        const c = lookup(store, 'customer', 'customer', request.params.customer_id, (x) =>
          r.isCustomerVisible(x),
        );
        if (!c) return notFound(reply);
        const all = r.addresses(c);
        return { page: 1, page_size: all.length, total_pages: 1, total_items: all.length, addresses: all };
      },
    );

    // ------------------------------------------------------------ jobs
    api.get('/jobs', async (request) => {
      const { store, r } = render();
      const query = q(request);
      const statuses = many(query, 'work_status');
      for (const s of statuses) {
        if (!(s in WORK_STATUS_FILTER))
          throw new HcpBadRequest(`work_status must be one of ${Object.keys(WORK_STATUS_FILTER).join(', ')}`);
      }
      const wanted = new Set(statuses.flatMap((s) => WORK_STATUS_FILTER[s] ?? []));
      const customer = first(query['customer_id']);
      const customerId = customer === undefined ? undefined : (worldIdOf('customer', customer) ?? -1);
      const employees = many(query, 'employee_ids').map((e) => worldIdOf('employee', e) ?? -1);
      const [startMin, startMax] = [
        instant(query, 'scheduled_start_min'),
        instant(query, 'scheduled_start_max'),
      ];
      const [endMin, endMax] = [instant(query, 'scheduled_end_min'), instant(query, 'scheduled_end_max')];
      const rows = records(store, 'job', (j) => r.isJobVisible(j)).filter(
        (j) =>
          (customerId === undefined || j.customerId === customerId) &&
          (wanted.size === 0 || wanted.has(r.workStatus(j))) &&
          (employees.length === 0 || r.jobEmployeeIds(j).some((t) => employees.includes(t))) &&
          within(r.scheduledStart(j), startMin, startMax) &&
          within(r.scheduledEnd(j), endMin, endMax),
      );
      return page(
        query,
        rows,
        {
          ...TIMESTAMPS,
          updated_at: (j) => r.jobUpdatedAt(j),
          invoice_number: (j) => j.jobNumber.padStart(12, '0'),
          description: (j) => j.summary,
          work_status: (j) => r.workStatus(j),
        },
        (j) => r.job(j, expandOf(query)),
        'jobs',
      );
    });
    const jobOf = (request: FastifyRequest<{ Params: { job_id: string } }>) => {
      const { store, r } = render();
      return { r, j: lookup(store, 'job', 'job', request.params.job_id, (x) => r.isJobVisible(x)) };
    };
    api.get<{ Params: { job_id: string } }>('/jobs/:job_id', async (request, reply) => {
      const { r, j } = jobOf(request);
      return j ? r.job(j, expandOf(q(request))) : notFound(reply);
    });
    api.get<{ Params: { job_id: string } }>('/jobs/:job_id/appointments', async (request, reply) => {
      const { r, j } = jobOf(request);
      return j ? { appointments: r.liveAppointments(j.id).map((a) => r.appointment(a)) } : notFound(reply);
    });
    api.get<{ Params: { job_id: string } }>('/jobs/:job_id/line_items', async (request, reply) => {
      const { r, j } = jobOf(request);
      return j
        ? { url: `/jobs/${request.params.job_id}/line_items`, data: r.jobLineItems(j) }
        : notFound(reply);
    });
    api.get<{ Params: { job_id: string } }>('/jobs/:job_id/invoices', async (request, reply) => {
      const { r, j } = jobOf(request);
      return j ? { invoices: r.liveInvoices(j.id).map((i) => r.invoice(i)) } : notFound(reply);
    });

    // ------------------------------------------------------------ estimates
    api.get('/estimates', async (request) => {
      const { store, r } = render();
      return page(
        q(request),
        records(store, 'estimate', live),
        TIMESTAMPS,
        (e) => r.estimate(e),
        'estimates',
      );
    });
    api.get<{ Params: { estimate_id: string } }>('/estimates/:estimate_id', async (request, reply) => {
      const { store, r } = render();
      const e = lookup(store, 'estimate', 'estimate', request.params.estimate_id, live);
      return e ? r.estimate(e) : notFound(reply);
    });

    // ------------------------------------------------------------ invoices
    api.get('/invoices', async (request) => {
      const { store, r } = render();
      const query = q(request);
      const statuses = many(query, 'status');
      const customers = many(query, 'customer_uuid').map((c) => worldIdOf('customer', c) ?? -1);
      const ranges = {
        created: [instant(query, 'created_at_min'), instant(query, 'created_at_max')] as const,
        due: [instant(query, 'due_at_min'), instant(query, 'due_at_max')] as const,
        paid: [instant(query, 'paid_at_min'), instant(query, 'paid_at_max')] as const,
      };
      const rows = records(store, 'invoice', live).filter(
        (i) =>
          (statuses.length === 0 || statuses.includes(r.invoiceStatus(i))) &&
          (customers.length === 0 || customers.includes(i.customerId)) &&
          within(i.createdOn, ...ranges.created) &&
          within(i.dueDate, ...ranges.due) &&
          within(r.paidAt(i), ...ranges.paid),
      );
      return page(
        query,
        rows,
        {
          ...TIMESTAMPS,
          amount: (i) => i.total,
          due_amount: (i) => i.balance,
          due_at: (i) => i.dueDate,
          invoice_number: (i) => i.referenceNumber.padStart(12, '0'),
          paid_at: (i) => r.paidAt(i),
          status: (i) => r.invoiceStatus(i),
        },
        (i) => r.invoice(i),
        'invoices',
      );
    });
    api.get<{ Params: { uuid: string } }>('/api/invoices/:uuid', async (request, reply) => {
      const { store, r } = render();
      const i = lookup(store, 'invoice', 'invoice', request.params.uuid, live);
      return i ? r.invoice(i) : notFound(reply);
    });

    // ------------------------------------------------------------ company
    api.get('/employees', async (request) => {
      const { store, r } = render();
      const rows = records(store, 'employee', (e) => live(e) && e.active);
      return page(q(request), rows, TIMESTAMPS, (e) => r.employee(e), 'employees');
    });
    api.get('/lead_sources', async (request) => {
      const { store, r } = render();
      return page(
        q(request),
        records(store, 'campaign', live),
        TIMESTAMPS,
        (c) => r.leadSource(c),
        'lead_sources',
      );
    });
    api.get('/tags', async (request) => {
      const query = q(request);
      const all = render().r.tags();
      const size = positiveInt(query, 'page_size', 10, MAX_PAGE_SIZE);
      const pageNo = positiveInt(query, 'page', 1);
      return {
        page: pageNo,
        page_size: size,
        total_pages: Math.ceil(all.length / size),
        total_items: all.length,
        tags: all.slice((pageNo - 1) * size, pageNo * size),
      };
    });

    // ------------------------------------------------------------ price book
    // The price book's lists answer in the newer `/api/...` list shape (`object: "list"`, `data[]`,
    // `url`), each with the paging fields its published schema names: services `total_pages` /
    // `total_items`, materials `total_pages_count` / `total_count`, categories `total_count` only.
    const pricebook = () => new HousecallProPricebookRenderer(kit.world.world.store);
    const NAMED = { ...TIMESTAMPS, name: (x: { name: string }) => x.name.toLowerCase() };
    api.get('/api/price_book/services', async (request) => {
      const query = q(request);
      const pb = pricebook();
      const search = (first(query['q']) ?? '').toLowerCase();
      const filters = serviceFilters(query);
      const rows = pb
        .services()
        .map((p) => ({ p, row: pb.service(p) }))
        .filter(
          ({ p, row }) =>
            (search === '' || `${p.name} ${p.code}`.toLowerCase().includes(search)) &&
            filters.every((f) => f(row)),
        )
        .map(({ p, row }) => ({
          id: p.id,
          createdOn: p.createdOn,
          modifiedOn: p.modifiedOn,
          name: p.name,
          row,
        }));
      const { pageNo, size, total, slice } = sortedPage(query, rows, NAMED);
      return {
        object: 'list',
        page: pageNo,
        page_size: size,
        total_pages: Math.ceil(total / size),
        total_items: total,
        data: slice.map((x) => x.row),
        url: '/api/price_book/services',
      };
    });
    api.get('/api/price_book/material_categories', async (request) => {
      const query = q(request);
      // No parent (or an empty one): the root categories.
      const parent = first(query['parent_uuid']) || null;
      const pb = pricebook();
      const all = pb.categories();
      if (parent !== null && !all.some((c) => c.uuid === parent))
        throw new HcpBadRequest('parent_uuid is not a material category');
      const rows = all.filter((c) => c.parentUuid === parent);
      const { pageNo, size, total, slice } = sortedPage(query, rows, NAMED);
      return {
        object: 'list',
        page: pageNo,
        page_size: size,
        total_count: total,
        data: slice.map((c) => pb.category(c)),
        url: '/api/price_book/material_categories',
      };
    });
    api.get('/api/price_book/materials', async (request) => {
      const query = q(request);
      const category = first(query['material_category_uuid']);
      if (category === undefined || category === '')
        throw new HcpBadRequest('material_category_uuid is required');
      const pb = pricebook();
      const categories = new Map(pb.categories().map((c) => [c.uuid, c]));
      if (!categories.has(category))
        throw new HcpBadRequest('material_category_uuid is not a material category');
      const rows = pb.materials().filter((p) => pb.categoryUuidOf(p) === category);
      const { pageNo, size, total, slice } = sortedPage(query, rows, NAMED);
      return {
        object: 'list',
        page: pageNo,
        page_size: size,
        total_pages_count: Math.ceil(total / size),
        total_count: total,
        data: slice.map((p) => pb.material(p, categories)),
        url: '/api/price_book/materials',
      };
    });

    // ------------------------------------------------------------ writes
    mountHousecallProWrites(api, kit);

    // ------------------------------------------------------------ the web app's own JSON
    mountServicePlans(api, kit);
  });
}
