import { DATABASE, SyncCursorRepository, type DB, type StreamSyncStatus } from '@fieldsync/persistence';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { sql, type Kysely, type Selectable } from 'kysely';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { Access } from '../auth/access.decorator';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { actorOf, connectionScopeOf, tenantOf, withinScope } from '../auth/principal.types';
import { parseRequest } from '../problem/parse-request.util';
import { ApiProblem } from '../problem/problem.error';
import { driftQuerySchema } from './operations.schemas';

type ConnectionRow = Pick<
  Selectable<DB['connections']>,
  'id' | 'vendor' | 'label' | 'status' | 'status_reason' | 'last_login_at' | 'created_at'
>;

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

/**
 * Operations for integrators: the tenant's connections with each stream's sync state (last success, lag,
 * errors, reconciliation passes) and the drift reports (vendor payloads that no longer fit), which an
 * integrator marks resolved once handled. Another tenant's connection or report answers 404.
 */
@Controller()
export class OperationsController {
  private readonly cursors: SyncCursorRepository;
  private readonly audit: AuditLogRepository;

  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {
    this.cursors = new SyncCursorRepository(db);
    this.audit = new AuditLogRepository(db);
  }

  @Get('connections')
  @Access({ scope: 'read' })
  async listConnections(@Req() request: AuthenticatedRequest) {
    const rows = await this.connectionRows(tenantOf(request.principal), connectionScopeOf(request.principal));
    const statuses = await this.cursors.statusOfConnections(rows.map((row) => row.id));
    return { items: rows.map((row) => connectionView(row, statuses.get(row.id) ?? [])) };
  }

  @Get('connections/:connectionId')
  @Access({ scope: 'read' })
  async getConnection(@Req() request: AuthenticatedRequest, @Param('connectionId') connectionId: string) {
    const [row] = await this.connectionRows(
      tenantOf(request.principal),
      withinScope(request.principal, connectionId),
    );
    if (!row) throw ApiProblem.notFound(`connection ${connectionId}`);
    return connectionView(row, await this.cursors.statusOf(row.id));
  }

  @Get('drift-reports')
  @Access({ scope: 'read' })
  async listDriftReports(@Req() request: AuthenticatedRequest, @Query() raw: Record<string, unknown>) {
    const parsed = parseRequest(driftQuerySchema, { ...raw }, 'query');
    const query = { ...parsed, connectionId: withinScope(request.principal, parsed.connectionId) };
    const tenantId = tenantOf(request.principal);
    if (query.connectionId !== undefined) {
      const [connection] = await this.connectionRows(tenantId, query.connectionId);
      if (!connection) throw ApiProblem.notFound(`connection ${query.connectionId}`);
    }
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    let base = this.db.selectFrom('drift_reports').where('tenant_id', '=', tenantId);
    if (query.connectionId !== undefined) base = base.where('connection_id', '=', query.connectionId);
    if (query.resolved === 'true') base = base.where('resolved_at', 'is not', null);
    if (query.resolved === 'false') base = base.where('resolved_at', 'is', null);
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('last_seen_at', 'desc')
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      base.select(sql<string>`count(*)`.as('total')).executeTakeFirst(),
    ]);
    return { items: rows.map(driftView), page, pageSize, total: Number(count?.total ?? 0) };
  }

  /** Marks a drift report handled; the extractor reopens it if the vendor sends such a record again. */
  @Post('drift-reports/:driftReportId/resolve')
  @HttpCode(200)
  @Access({ scope: 'write' })
  async resolveDriftReport(
    @Req() request: AuthenticatedRequest,
    @Param('driftReportId') driftReportId: string,
  ) {
    const tenantId = tenantOf(request.principal);
    const scope = connectionScopeOf(request.principal);
    let update = this.db
      .updateTable('drift_reports')
      .set({ resolved_at: sql<Date>`coalesce(resolved_at, now())` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', driftReportId);
    if (scope !== undefined) update = update.where('connection_id', '=', scope);
    const row = await update.returningAll().executeTakeFirst();
    if (!row) throw ApiProblem.notFound(`drift report ${driftReportId}`);
    await this.audit.append({
      tenantId,
      actor: actorOf(request.principal),
      action: 'drift_report.resolved',
      targetType: 'drift_report',
      targetId: driftReportId,
      details: { connectionId: row.connection_id, entityType: row.entity_type },
      requestId: request.id,
    });
    return driftView(row);
  }

  private connectionRows(tenantId: string, connectionId?: string): Promise<ConnectionRow[]> {
    let query = this.db
      .selectFrom('connections')
      .select(['id', 'vendor', 'label', 'status', 'status_reason', 'last_login_at', 'created_at'])
      .where('tenant_id', '=', tenantId);
    if (connectionId !== undefined) query = query.where('id', '=', connectionId);
    return query.orderBy('created_at').orderBy('id').execute();
  }
}

/** A connection with each stream's sync state, as the API shows it. */
function connectionView(row: ConnectionRow, status: readonly StreamSyncStatus[]) {
  const now = Date.now();
  const streams = status.map((s) => ({
    ...s,
    lagSeconds:
      s.lastSuccessAt === null ? null : Math.max(0, Math.floor((now - Date.parse(s.lastSuccessAt)) / 1000)),
  }));
  const successes = streams.map((s) => s.lastSuccessAt);
  return {
    connectionId: row.id,
    vendor: row.vendor,
    label: row.label,
    status: row.status,
    statusReason: row.status_reason,
    lastLoginAt: iso(row.last_login_at),
    createdAt: iso(row.created_at) ?? '',
    sync: {
      lastSuccessAt:
        successes.length === 0 || successes.includes(null)
          ? null
          : (successes as string[]).reduce((a, b) => (a < b ? a : b)),
      errors: streams.filter((s) => s.consecutiveFailures > 0).length,
      streams,
    },
  };
}

function driftView(row: Selectable<DB['drift_reports']>) {
  return {
    driftReportId: row.id,
    connectionId: row.connection_id,
    vendor: row.vendor,
    entityType: row.entity_type,
    kind: row.kind,
    externalId: row.external_id,
    issues: (typeof row.issues === 'string' ? JSON.parse(row.issues) : row.issues) as Record<
      string,
      unknown
    >[],
    raw: (typeof row.raw === 'string' ? JSON.parse(row.raw) : row.raw) as unknown,
    occurrences: row.occurrences,
    firstSeenAt: iso(row.first_seen_at) ?? '',
    lastSeenAt: iso(row.last_seen_at) ?? '',
    resolvedAt: iso(row.resolved_at),
  };
}
