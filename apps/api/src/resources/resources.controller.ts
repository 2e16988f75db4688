import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { DATABASE, type DB } from '@fieldsync/persistence';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { Entitlements, RESOURCE_ENTITLEMENTS, missing } from '../auth/entitlements';
import { connectionScopeOf, tenantOf, withinScope } from '../auth/principal.types';
import { parseRequest } from '../problem/parse-request.util';
import { ApiProblem } from '../problem/problem.error';
import { encodeCursor } from './list-cursor.util';
import { listQuerySchema, type ListQuery } from './list-query.schema';
import { RelatedDocuments } from './related-documents';
import { ResourceRepository } from './resource.repository';
import { RESOURCES, RESOURCES_BY_NAME } from './resource.registry';
import type { AnyResource } from './resource.types';

const idSchema = z.string().min(1).max(200);
/** How old the connections' entitlements may be when a read is allowed (a role changes at a login). */
export const READ_ENTITLEMENTS_MAX_AGE_MS = 250;

/** The list envelope of the product pages, plus the keyset cursor of the next page (null on the last). */
export interface ListEnvelope {
  items: unknown[];
  page: number;
  pageSize: number;
  total: number | null;
  nextCursor: string | null;
}

/**
 * The read side: `GET /<collection>` and `GET /<collection>/{id}` for every collection in the registry,
 * also under `/connections/{connectionId}/…`. Everything is scoped to the caller's tenant: another
 * tenant's connection or record answers 404, exactly like one that does not exist.
 */
@Controller()
@Access({ scope: 'read' })
export class ResourcesController {
  private readonly repository: ResourceRepository;
  private readonly entitlements: Entitlements;
  private readonly querySchemas = new Map(RESOURCES.map((r) => [r.name, listQuerySchema(r)]));

  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {
    this.repository = new ResourceRepository(db);
    this.entitlements = new Entitlements(db, { maxAgeMs: READ_ENTITLEMENTS_MAX_AGE_MS });
  }

  @Get('connections/:connectionId/:collection')
  async listOfConnection(
    @Req() request: AuthenticatedRequest,
    @Param('connectionId') connectionId: string,
    @Param('collection') collection: string,
    @Query() query: Record<string, unknown>,
  ): Promise<ListEnvelope> {
    return this.list(request, collection, { ...query, connectionId });
  }

  @Get('connections/:connectionId/:collection/:id')
  async getOfConnection(
    @Req() request: AuthenticatedRequest,
    @Param('connectionId') connectionId: string,
    @Param('collection') collection: string,
    @Param('id') id: string,
  ): Promise<unknown> {
    const tenantId = tenantOf(request.principal);
    withinScope(request.principal, connectionId);
    await this.requireConnection(tenantId, connectionId);
    return this.getOne(tenantId, collection, id, connectionId);
  }

  @Get(':collection')
  async list(
    @Req() request: AuthenticatedRequest,
    @Param('collection') collection: string,
    @Query() rawQuery: Record<string, unknown>,
  ): Promise<ListEnvelope> {
    const resource = resourceOf(collection);
    const tenantId = tenantOf(request.principal);
    const schema = this.querySchemas.get(resource.name) as ReturnType<typeof listQuerySchema>;
    const parsed = parseRequest(schema, { ...rawQuery }, 'query') as ListQuery;
    // A session token reads its own connection only.
    const query: ListQuery = { ...parsed, connectionId: withinScope(request.principal, parsed.connectionId) };
    const excluded = await this.deniedConnections(resource, tenantId, query.connectionId);
    const listed = await this.repository.list(resource, tenantId, query, excluded);
    const items = await this.project(
      resource,
      tenantId,
      listed.documents.map((d) => d.document),
    );
    const last = listed.documents.at(-1);
    return {
      items,
      page: listed.page,
      pageSize: listed.pageSize,
      total: listed.total,
      nextCursor: listed.hasMore && last ? encodeCursor(last.position) : null,
    };
  }

  @Get(':collection/:id')
  async get(
    @Req() request: AuthenticatedRequest,
    @Param('collection') collection: string,
    @Param('id') id: string,
  ): Promise<unknown> {
    return this.getOne(tenantOf(request.principal), collection, id, connectionScopeOf(request.principal));
  }

  private async getOne(
    tenantId: string,
    collection: string,
    rawId: string,
    connectionId?: string,
  ): Promise<unknown> {
    const resource = resourceOf(collection);
    const id = parseRequest(idSchema, rawId, 'path');
    const document = await this.repository.get(resource, tenantId, id);
    if (!document || (connectionId !== undefined && document.connectionId !== connectionId)) {
      throw ApiProblem.notFound(`${resource.idField} ${id}`);
    }
    await this.entitlements.require(
      tenantId,
      document.connectionId,
      RESOURCE_ENTITLEMENTS[resource.name] ?? 'clients',
      `read ${resource.name}`,
    );
    const [item] = await this.project(resource, tenantId, [document]);
    return item;
  }

  private async project(
    resource: AnyResource,
    tenantId: string,
    documents: readonly unknown[],
  ): Promise<unknown[]> {
    const projected = await resource.project(documents as never[], new RelatedDocuments(this.db, tenantId));
    // the item schema is the OpenAPI contract: a projection that breaks it is a bug, never sent
    return projected.map((item) => resource.item.parse(item));
  }

  /**
   * The connections whose vendor role may not read the collection: refused with 403 naming the
   * entitlement when the call names one of them, or when every connection of the tenant lacks it;
   * otherwise left out of a tenant-wide list. A connection of another tenant is 404.
   */
  private async deniedConnections(
    resource: AnyResource,
    tenantId: string,
    connectionId: string | undefined,
  ): Promise<string[]> {
    const needed = RESOURCE_ENTITLEMENTS[resource.name] ?? 'clients';
    const rights = await this.entitlements.of(
      tenantId,
      connectionId === undefined ? undefined : [connectionId],
    );
    if (connectionId !== undefined && !rights.has(connectionId))
      throw ApiProblem.notFound(`connection ${connectionId}`);
    const denied = [...rights]
      .filter(([, list]) => list !== null && !list.includes(needed))
      .map(([id]) => id);
    const [first] = denied;
    if (first !== undefined && denied.length === rights.size)
      throw missing(first, needed, `read ${resource.name}`);
    return denied;
  }

  private async requireConnection(tenantId: string, connectionId: string): Promise<void> {
    const row = await this.db
      .selectFrom('connections')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', connectionId)
      .executeTakeFirst();
    if (!row) throw ApiProblem.notFound(`connection ${connectionId}`);
  }
}

function resourceOf(collection: string): AnyResource {
  const resource = RESOURCES_BY_NAME.get(collection);
  if (!resource) throw ApiProblem.notFound(`collection /${collection}`);
  return resource;
}
