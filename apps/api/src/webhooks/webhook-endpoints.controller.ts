import {
  createWebhookEndpointSchema,
  listWebhookEndpointsQuerySchema,
  listWebhookMessagesQuerySchema,
  recoverWebhookMessagesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
} from '@fieldsync/canonical-model';
import { DATABASE, type DB } from '@fieldsync/persistence';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { Access } from '../auth/access.decorator';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { actorOf, type Principal } from '../auth/principal.types';
import { parseRequest } from '../problem/parse-request.util';
import { ApiProblem, ProblemCode } from '../problem/problem.error';
import { WebhookDispatcherClient } from './webhook-dispatcher.client';
import {
  createdWebhookEndpointSchema,
  recoveredWebhookMessagesSchema,
  rotatedWebhookSecretSchema,
  webhookAttemptListSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookMessageDetailSchema,
  webhookMessageListSchema,
  webhookMessageSchema,
  webhookSecretSchema,
} from './webhook-endpoint.schemas';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A checked list query as the dispatcher's query string (`limit` as the number it was given, or its default). */
const queryString = (
  query: Record<string, string | number | undefined>,
): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(query).map(([name, value]) => [name, value?.toString()]));

/**
 * Webhook endpoints as an integrator who used Svix expects them: on the public API, with the API key
 * that reads and writes everything else, for the key's tenant (never named by the caller). Carried out
 * by the webhook dispatcher's operator API (WebhookDispatcherClient); another tenant's endpoint or
 * message answers 404. Reads need the read scope; changes and the signing secret need write. A session
 * token (one connection) cannot manage the tenant's endpoints. Every change is in the audit log.
 */
@Controller()
export class WebhookEndpointsController {
  private readonly audit: AuditLogRepository;

  constructor(
    @Inject(DATABASE) db: Kysely<DB>,
    private readonly dispatcher: WebhookDispatcherClient,
  ) {
    this.audit = new AuditLogRepository(db);
  }

  @Post('webhook-endpoints')
  @HttpCode(201)
  @Access({ scope: 'write' })
  async create(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const input = parseRequest(createWebhookEndpointSchema, body ?? {}, 'body');
    const created = await this.call(request, 'POST', [], createdWebhookEndpointSchema, {
      body: input,
      what: 'webhook endpoints',
    });
    await this.record(request, 'webhook_endpoint.created', created.id, { url: created.url });
    return created;
  }

  @Get('webhook-endpoints')
  @Access({ scope: 'read' })
  list(@Req() request: AuthenticatedRequest, @Query() query: Record<string, unknown>) {
    return this.call(request, 'GET', [], webhookEndpointListSchema, {
      query: queryString(parseRequest(listWebhookEndpointsQuerySchema, { ...query }, 'query')),
      what: 'webhook endpoints',
    });
  }

  @Get('webhook-endpoints/:endpointId')
  @Access({ scope: 'read' })
  get(@Req() request: AuthenticatedRequest, @Param('endpointId') id: string) {
    return this.call(request, 'GET', [id], webhookEndpointSchema, { what: endpoint(id) });
  }

  @Patch('webhook-endpoints/:endpointId')
  @Access({ scope: 'write' })
  async update(@Req() request: AuthenticatedRequest, @Param('endpointId') id: string, @Body() body: unknown) {
    const input = parseRequest(updateWebhookEndpointSchema, body ?? {}, 'body');
    const updated = await this.call(request, 'PATCH', [id], webhookEndpointSchema, {
      body: input,
      what: endpoint(id),
    });
    await this.record(request, 'webhook_endpoint.updated', id, { fields: Object.keys(input) });
    return updated;
  }

  @Delete('webhook-endpoints/:endpointId')
  @HttpCode(204)
  @Access({ scope: 'write' })
  async delete(@Req() request: AuthenticatedRequest, @Param('endpointId') id: string): Promise<void> {
    await this.dispatcher.call({
      method: 'DELETE',
      tenantId: tenantOfKey(request.principal),
      path: ['endpoints', id],
      part: 'body',
      what: endpoint(id),
    });
    await this.record(request, 'webhook_endpoint.deleted', id, {});
  }

  @Post('webhook-endpoints/:endpointId/enable')
  @HttpCode(200)
  @Access({ scope: 'write' })
  async enable(@Req() request: AuthenticatedRequest, @Param('endpointId') id: string) {
    const enabled = await this.call(request, 'POST', [id, 'enable'], webhookEndpointSchema, {
      what: endpoint(id),
    });
    await this.record(request, 'webhook_endpoint.enabled', id, {});
    return enabled;
  }

  @Post('webhook-endpoints/:endpointId/disable')
  @HttpCode(200)
  @Access({ scope: 'write' })
  async disable(@Req() request: AuthenticatedRequest, @Param('endpointId') id: string) {
    const disabled = await this.call(request, 'POST', [id, 'disable'], webhookEndpointSchema, {
      what: endpoint(id),
    });
    await this.record(request, 'webhook_endpoint.disabled', id, {});
    return disabled;
  }

  @Get('webhook-endpoints/:endpointId/secret')
  @Access({ scope: 'write' })
  async secret(@Req() request: AuthenticatedRequest, @Param('endpointId') id: string) {
    const secret = await this.call(request, 'GET', [id, 'secret'], webhookSecretSchema, {
      what: endpoint(id),
    });
    await this.record(request, 'webhook_endpoint.secret_read', id, {});
    return secret;
  }

  @Post('webhook-endpoints/:endpointId/rotate-secret')
  @HttpCode(200)
  @Access({ scope: 'write' })
  async rotateSecret(
    @Req() request: AuthenticatedRequest,
    @Param('endpointId') id: string,
    @Body() body: unknown,
  ) {
    const input = parseRequest(rotateWebhookSecretSchema, body ?? {}, 'body');
    const rotated = await this.call(request, 'POST', [id, 'rotate-secret'], rotatedWebhookSecretSchema, {
      body: input,
      what: endpoint(id),
    });
    await this.record(request, 'webhook_endpoint.secret_rotated', id, {
      previousSecretValidUntil: rotated.previousSecretValidUntil,
    });
    return rotated;
  }

  @Get('webhook-endpoints/:endpointId/messages')
  @Access({ scope: 'read' })
  messages(
    @Req() request: AuthenticatedRequest,
    @Param('endpointId') id: string,
    @Query() query: Record<string, unknown>,
  ) {
    return this.call(request, 'GET', [id, 'messages'], webhookMessageListSchema, {
      query: queryString(parseRequest(listWebhookMessagesQuerySchema, { ...query }, 'query')),
      what: endpoint(id),
    });
  }

  @Post('webhook-endpoints/:endpointId/recover')
  @HttpCode(202)
  @Access({ scope: 'write' })
  async recover(
    @Req() request: AuthenticatedRequest,
    @Param('endpointId') id: string,
    @Body() body: unknown,
  ) {
    const input = parseRequest(recoverWebhookMessagesSchema, body ?? {}, 'body');
    const recovered = await this.call(request, 'POST', [id, 'recover'], recoveredWebhookMessagesSchema, {
      body: input,
      what: endpoint(id),
    });
    await this.record(request, 'webhook_endpoint.recovered', id, { ...input, ...recovered });
    return recovered;
  }

  @Get('webhook-messages/:messageId')
  @Access({ scope: 'read' })
  message(@Req() request: AuthenticatedRequest, @Param('messageId') id: string) {
    return this.call(request, 'GET', [id], webhookMessageDetailSchema, { what: message(id), messages: true });
  }

  @Get('webhook-messages/:messageId/attempts')
  @Access({ scope: 'read' })
  attempts(@Req() request: AuthenticatedRequest, @Param('messageId') id: string) {
    return this.call(request, 'GET', [id, 'attempts'], webhookAttemptListSchema, {
      what: message(id),
      messages: true,
    });
  }

  @Post('webhook-messages/:messageId/resend')
  @HttpCode(202)
  @Access({ scope: 'write' })
  async resend(@Req() request: AuthenticatedRequest, @Param('messageId') id: string) {
    const resent = await this.call(request, 'POST', [id, 'resend'], webhookMessageSchema, {
      what: message(id),
      messages: true,
    });
    await this.record(request, 'webhook_message.resent', id, { endpointId: resent.endpointId });
    return resent;
  }

  /** One call of the dispatcher for the caller's tenant; its answer checked against the documented shape. */
  private async call<S extends z.ZodType>(
    request: AuthenticatedRequest,
    method: Method,
    path: readonly string[],
    schema: S,
    options: { body?: unknown; query?: Record<string, string | undefined>; what: string; messages?: boolean },
  ): Promise<z.output<S>> {
    const answer = await this.dispatcher.call({
      method,
      tenantId: tenantOfKey(request.principal),
      path: [options.messages ? 'messages' : 'endpoints', ...path],
      ...(options.query === undefined ? {} : { query: options.query }),
      ...(options.body === undefined ? {} : { body: options.body }),
      part: method === 'GET' ? 'query' : 'body',
      what: options.what,
    });
    return schema.parse(answer.body);
  }

  private record(
    request: AuthenticatedRequest,
    action: string,
    targetId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.append({
      tenantId: tenantOfKey(request.principal),
      actor: actorOf(request.principal),
      action,
      targetType: action.startsWith('webhook_message') ? 'webhook_message' : 'webhook_endpoint',
      targetId,
      details,
      requestId: request.id,
    });
  }
}

const endpoint = (id: string): string => `webhook endpoint ${id}`;
const message = (id: string): string => `webhook message ${id}`;

/** The tenant of an API key; a session token acts for one connection, not for the tenant's endpoints. */
function tenantOfKey(principal: Principal): string {
  if (principal.kind === 'api_key') return principal.tenantId;
  throw new ApiProblem(
    ProblemCode.Forbidden,
    'webhook endpoints are the tenant’s: manage them with an API key, not a session token',
    [{ field: 'header.authorization', message: 'an API key is required' }],
  );
}
