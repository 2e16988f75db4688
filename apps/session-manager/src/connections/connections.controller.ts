import { tenantIdSchema } from '@fieldsync/canonical-model';
import { AdminTokenGuard } from '@fieldsync/platform';
import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { parseOr400 } from '../admin/zod-body.util';
import { ConnectionError, ConnectionErrorCode } from './connection.error';
import {
  createConnectionSchema,
  disableConnectionSchema,
  listConnectionsQuerySchema,
  reconcileConnectionSchema,
  updateConnectionSchema,
  upsertTenantSchema,
} from './connection.schemas';
import {
  ConnectionSyncService,
  type ConnectionSyncView,
  type ReconcileRequestView,
} from './connection-sync.service';
import { ConnectionsService, type ConnectionView } from './connections.service';

async function mapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    const body = { error: error.code, message: error.message };
    switch (error.code) {
      case ConnectionErrorCode.NotFound:
      case ConnectionErrorCode.TenantNotFound:
        throw new NotFoundException(body);
      case ConnectionErrorCode.Duplicate:
        throw new ConflictException(body);
      case ConnectionErrorCode.VendorNotSupported:
      case ConnectionErrorCode.UnknownStream:
        throw new UnprocessableEntityException(body);
    }
    throw error;
  }
}

/**
 * The operators' API of vendor connections (and the tenants they belong to). Secrets go in, never
 * out: responses carry the MFA method and destination, the status and the session's state only.
 */
@Controller()
@UseGuards(AdminTokenGuard)
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly sync: ConnectionSyncService,
  ) {}

  @Put('tenants/:tenantId')
  async upsertTenant(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    const id = parseOr400(tenantIdSchema, tenantId, 'tenantId');
    const { name } = parseOr400(upsertTenantSchema, body);
    return this.connections.upsertTenant(id, name);
  }

  @Post('connections')
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<ConnectionView> {
    return mapped(this.connections.create(parseOr400(createConnectionSchema, body)));
  }

  @Get('connections')
  async list(@Query() query: unknown): Promise<{ data: ConnectionView[] }> {
    return { data: await this.connections.list(parseOr400(listConnectionsQuerySchema, query, 'query')) };
  }

  @Get('connections/:id')
  async get(@Param('id') id: string): Promise<ConnectionView> {
    return mapped(this.connections.get(id));
  }

  @Patch('connections/:id')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<ConnectionView> {
    return mapped(this.connections.update(id, parseOr400(updateConnectionSchema, body)));
  }

  @Post('connections/:id/disable')
  @HttpCode(200)
  async disable(@Param('id') id: string, @Body() body: unknown): Promise<ConnectionView> {
    const { reason } = parseOr400(disableConnectionSchema, body);
    return mapped(this.connections.disable(id, reason));
  }

  @Post('connections/:id/enable')
  @HttpCode(200)
  async enable(@Param('id') id: string): Promise<ConnectionView> {
    return mapped(this.connections.enable(id));
  }

  /** Each stream's sync state: last run and outcome, records, reconciliation passes and requests. */
  @Get('connections/:id/sync')
  async syncStatus(@Param('id') id: string): Promise<ConnectionSyncView> {
    return mapped(this.sync.status(id));
  }

  /**
   * A reconciliation pass now (`streams`, or every stream whose vendor lists no deletions): accepted and
   * carried out by the extractor; `GET /connections/:id/sync` shows it pending until a pass that began
   * after the request completes.
   */
  @Post('connections/:id/reconcile')
  @HttpCode(202)
  async reconcile(@Param('id') id: string, @Body() body: unknown): Promise<ReconcileRequestView> {
    const { streams } = parseOr400(reconcileConnectionSchema, body);
    return mapped(this.sync.reconcile(id, streams));
  }
}
