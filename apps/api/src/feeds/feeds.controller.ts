import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { DATABASE, type DB } from '@fieldsync/persistence';
import { sql, type Kysely } from 'kysely';
import { Access } from '../auth/access.decorator';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { tenantOf, withinScope } from '../auth/principal.types';
import { parseRequest } from '../problem/parse-request.util';
import { ApiProblem, ProblemCode } from '../problem/problem.error';
import { auditQuerySchema, eventsQuerySchema } from './feed.schemas';

/**
 * `GET /events?after=` — the change log as a feed for integrators who poll instead of subscribing: the
 * tenant's published change events in the order the relay published them (by position), `types` and
 * `connectionId` filters; `GET /audit-log` — who changed what (keys, writes), newest first, admin only.
 */
@Controller()
export class FeedsController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  @Get('events')
  @Access({ scope: 'read' })
  async events(@Req() request: AuthenticatedRequest, @Query() raw: Record<string, unknown>) {
    const parsed = parseRequest(eventsQuerySchema, { ...raw }, 'query');
    const query = { ...parsed, connectionId: withinScope(request.principal, parsed.connectionId) };
    const tenantId = tenantOf(request.principal);
    if (query.connectionId !== undefined) await this.requireConnection(tenantId, query.connectionId);
    const after = query.after ?? 0;
    const types = query.types?.split(',');
    let select = this.db
      .selectFrom('change_events')
      .select(['position', 'payload'])
      .where('tenant_id', '=', tenantId)
      .where('published_at', 'is not', null)
      .where('position', '>', String(after))
      .orderBy('position')
      .limit(query.limit ?? 100);
    if (types) select = select.where('type', 'in', types);
    if (query.connectionId !== undefined) select = select.where('connection_id', '=', query.connectionId);
    const rows = await select.execute();
    const positions = rows.map((row) => Number(row.position));
    return {
      items: rows.map((row) => JSON.parse(row.payload) as unknown),
      positions,
      nextAfter: positions.at(-1) ?? after,
    };
  }

  @Get('audit-log')
  @Access({ operator: true, scope: 'admin' })
  async auditLog(@Req() request: AuthenticatedRequest, @Query() raw: Record<string, unknown>) {
    const query = parseRequest(auditQuerySchema, { ...raw }, 'query');
    const principal = request.principal;
    let tenantId: string;
    if (principal.kind !== 'operator') {
      if (query.tenantId !== undefined && query.tenantId !== principal.tenantId) {
        throw ApiProblem.notFound(`tenant ${query.tenantId}`);
      }
      tenantId = principal.tenantId;
    } else if (query.tenantId === undefined) {
      throw new ApiProblem(ProblemCode.InvalidRequest, 'the operator must name the tenant', [
        { field: 'query.tenantId', message: 'required when calling with the operator token' },
      ]);
    } else tenantId = query.tenantId;
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    let base = this.db.selectFrom('audit_log').where('tenant_id', '=', tenantId);
    if (query.action !== undefined) base = base.where('action', '=', query.action);
    if (query.actor !== undefined) base = base.where('actor', '=', query.actor);
    if (query.from !== undefined) base = base.where('created_at', '>=', new Date(query.from));
    if (query.to !== undefined) base = base.where('created_at', '<=', new Date(query.to));
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      base.select(sql<string>`count(*)`.as('total')).executeTakeFirst(),
    ]);
    return {
      items: rows.map((row) => ({
        id: Number(row.id),
        actor: row.actor,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        details: (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<
          string,
          unknown
        > | null,
        requestId: row.request_id,
        createdAt: row.created_at.toISOString(),
      })),
      page,
      pageSize,
      total: Number(count?.total ?? 0),
    };
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
