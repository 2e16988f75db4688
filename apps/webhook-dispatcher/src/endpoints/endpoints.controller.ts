import { AdminTokenGuard } from '@fieldsync/platform';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { parseRequest, TenantId } from '../api/request.util';
import { WebhookApiErrorFilter } from '../api/webhook-api-error.filter';
import { MessagesService } from '../delivery/messages.service';
import {
  createEndpointSchema,
  listEndpointsQuerySchema,
  listMessagesQuerySchema,
  recoverSchema,
  rotateSecretSchema,
  updateEndpointSchema,
} from './endpoint-request.schema';
import { messageView } from '../delivery/message.mapper';
import { endpointView } from './endpoint.mapper';
import { EndpointsService } from './endpoints.service';

/**
 * The endpoint registry (docs/webhooks.md "Admin API"), the operators' surface: every route acts for the
 * tenant in its path (`/tenants/:tenantId/endpoints`); another tenant's endpoint is a 404. Integrators use
 * the REST API's `/webhook-endpoints` (their API key names the tenant), which calls these routes.
 */
@Controller('tenants/:tenantId/endpoints')
@UseGuards(AdminTokenGuard)
@UseFilters(WebhookApiErrorFilter)
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly messages: MessagesService,
  ) {}

  @Post()
  async create(@TenantId() tenantId: string, @Body() body: unknown) {
    const { endpoint, secret } = await this.endpoints.create(
      tenantId,
      parseRequest(createEndpointSchema, body),
    );
    return { ...endpointView(endpoint), secret };
  }

  @Get()
  async list(@TenantId() tenantId: string, @Query() query: unknown) {
    const { limit, after } = parseRequest(listEndpointsQuerySchema, query);
    const rows = await this.endpoints.list(tenantId, limit, after);
    const last = rows.at(-1);
    return { data: rows.map(endpointView), next: rows.length === limit && last ? last.id : null };
  }

  @Get(':id')
  async get(@TenantId() tenantId: string, @Param('id') id: string) {
    return endpointView(await this.endpoints.get(tenantId, id));
  }

  @Patch(':id')
  async update(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: unknown) {
    return endpointView(await this.endpoints.update(tenantId, id, parseRequest(updateEndpointSchema, body)));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    await this.endpoints.delete(tenantId, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  async enable(@TenantId() tenantId: string, @Param('id') id: string) {
    return endpointView(await this.endpoints.enable(tenantId, id));
  }

  @Post(':id/disable')
  @HttpCode(200)
  async disable(@TenantId() tenantId: string, @Param('id') id: string) {
    return endpointView(await this.endpoints.disable(tenantId, id));
  }

  @Get(':id/secret')
  async secret(@TenantId() tenantId: string, @Param('id') id: string) {
    return { secret: await this.endpoints.secret(tenantId, id) };
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  async rotateSecret(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: unknown) {
    const { secret } = parseRequest(rotateSecretSchema, body);
    const rotated = await this.endpoints.rotateSecret(tenantId, id, secret);
    return { secret: rotated.secret, previousSecretValidUntil: rotated.previousValidUntil.toISOString() };
  }

  @Get(':id/messages')
  async listMessages(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: unknown) {
    const { limit, before, status } = parseRequest(listMessagesQuerySchema, query);
    const rows = await this.messages.listByEndpoint(tenantId, id, { limit, before, status });
    const last = rows.at(-1);
    return { data: rows.map(messageView), next: rows.length === limit && last ? last.id : null };
  }

  @Post(':id/recover')
  @HttpCode(202)
  async recover(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: unknown) {
    const { since, until } = parseRequest(recoverSchema, body);
    const recovered = await this.messages.recover(
      tenantId,
      id,
      new Date(since),
      until === undefined ? new Date() : new Date(until),
    );
    return { recovered };
  }
}
