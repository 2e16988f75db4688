import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import type { PortalKit } from '../../portal/portal.types';
import { exportPage, listPage } from './servicetitan-paging.util';
import { notFound, sendProblem } from './servicetitan-problem.util';
import { parseListQuery, type Query } from './servicetitan-query.util';
import { SERVICETITAN_RESOURCES, type ServiceTitanResource } from './servicetitan-resources';
import { ServiceTitanRenderer } from './servicetitan.renderer';

export interface TenantRoute {
  Params: { tenant: string; id?: string };
  Querystring: Query;
}

/** The path parameter `{id}` as an int64, or undefined. */
export function pathId(request: FastifyRequest<TenantRoute>): number | undefined {
  const raw = request.params.id ?? '';
  const id = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** List, get-by-id and export routes of every modelled resource, rendered from the current world. */
export function registerReadRoutes(
  api: FastifyInstance,
  kit: PortalKit,
  options: { exportBatchSize: number },
): void {
  const current = () => {
    const world = kit.world.world;
    return { store: world.store, renderer: new ServiceTitanRenderer(world.store) };
  };

  for (const resource of SERVICETITAN_RESOURCES) {
    const base = `/${resource.module}/v2/tenant/:tenant`;

    api.get<TenantRoute>(`${base}/${resource.path}`, async (request, reply) => {
      const q = parseListQuery(request.query, resource.caps);
      if (!q.ok) return sendProblem(reply, q.problem);
      const { store, renderer } = current();
      const extra = resource.filters
        ? resource.filters(request.query, store)
        : ({ ok: true, value: [] } as const);
      if (!extra.ok) return sendProblem(reply, extra.problem);
      return listPage(store, renderer, resource, q.value, extra.value);
    });

    if (resource.getOperationId) {
      api.get<TenantRoute>(`${base}/${resource.path}/:id`, async (request, reply) => {
        const { store, renderer } = current();
        const record = findRecord(resource, store, pathId(request));
        if (!record) return sendProblem(reply, notFound(resource.key));
        return resource.render(renderer, record);
      });
    }

    api.get<TenantRoute>(`${base}/export/${resource.exportPath}`, async (request, reply) => {
      const { store, renderer } = current();
      const page = exportPage(store, renderer, resource, request.query, options.exportBatchSize);
      return page.ok ? page.value : sendProblem(reply, page.problem);
    });
  }

  // GET /crm/v2/tenant/{tenant}/customers/{id}/contacts: one customer's contacts, paged.
  const contacts = SERVICETITAN_RESOURCES.find((r) => r.key === 'contacts') as ServiceTitanResource;
  api.get<TenantRoute>(
    '/crm/v2/tenant/:tenant/customers/:id/contacts',
    async (request, reply: FastifyReply) => {
      const q = parseListQuery(request.query, { sort: null, active: false, dateFilters: [] });
      if (!q.ok) return sendProblem(reply, q.problem);
      const { store, renderer } = current();
      const customerId = pathId(request);
      const customer = customerId === undefined ? undefined : store.get('customer', customerId);
      if (!customer) return sendProblem(reply, notFound('customer'));
      const page = listPage(store, renderer, contacts, q.value, [
        (r) => (r as StoredRecord<'contact'>).customerId === customer.id,
      ]);
      return { ...page, data: page.data.map(({ customerId: _c, ...row }) => row) };
    },
  );
}

function findRecord(
  resource: ServiceTitanResource,
  store: WorldStore,
  id: number | undefined,
): StoredRecord<ServiceTitanResource['entity']> | undefined {
  if (id === undefined) return undefined;
  const record = store.get(resource.entity, id);
  if (!record || (resource.scope && !resource.scope(record))) return undefined;
  // Deleted rows of resources without `active` are gone for the transactional API (exports keep them).
  if (!resource.activeField && record.deletedOn !== null) return undefined;
  return record;
}
