import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { createUlidFactory } from '@fieldsync/canonical-model';
import { DATABASE, type DB } from '@fieldsync/persistence';
import type { Kysely } from 'kysely';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { ApiProblem, ProblemCode } from '../problem/problem.error';
import { parseRequest } from '../problem/parse-request.util';
import { Access } from './access.decorator';
import type { AuthenticatedRequest } from './access.guard';
import { ApiKeyRepository, type ApiKeyRow } from './api-key.repository';
import { createApiKeyRequestSchema, listApiKeysQuerySchema, type ApiKeyResource } from './api-key.schemas';
import { generateApiKey, hashApiKey, type ApiKeyScope } from './api-key.util';
import { Authenticator } from './authenticator.service';
import { actorOf, type Principal } from './principal.types';

const ulid = createUlidFactory();

function toResource(row: ApiKeyRow): ApiKeyResource {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ApiKeyScope[],
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

/**
 * API keys of a tenant: created (the secret shown once) and revoked by the operator (naming the tenant) or
 * by a key with the admin scope (its own tenant only: another tenant's id answers 404). Every change is
 * written to the audit log.
 */
@Controller('api-keys')
@Access({ operator: true, scope: 'admin' })
export class ApiKeysController {
  private readonly keys: ApiKeyRepository;
  private readonly audit: AuditLogRepository;

  constructor(
    @Inject(DATABASE) db: Kysely<DB>,
    private readonly authenticator: Authenticator,
  ) {
    this.keys = new ApiKeyRepository(db);
    this.audit = new AuditLogRepository(db);
  }

  @Post()
  @HttpCode(201)
  async create(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const input = parseRequest(createApiKeyRequestSchema, body, 'body');
    const tenantId = await this.tenantOf(request.principal, input.tenantId, 'body');
    const id = `ak_${ulid()}`;
    const { key, prefix } = generateApiKey();
    const row = await this.keys.insert({
      id,
      tenantId,
      name: input.name,
      prefix,
      keyHash: await hashApiKey(key, id),
      scopes: input.scopes,
      expiresAt: input.expiresAt === undefined ? null : new Date(input.expiresAt),
      createdBy: actorOf(request.principal),
    });
    await this.audit.append({
      tenantId,
      actor: actorOf(request.principal),
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: id,
      details: { prefix, scopes: input.scopes, outcome: 'succeeded' },
      requestId: request.id,
    });
    return { ...toResource(row), key };
  }

  @Get()
  async list(@Req() request: AuthenticatedRequest, @Query() query: unknown) {
    const input = parseRequest(listApiKeysQuerySchema, query, 'query');
    const tenantId = await this.tenantOf(request.principal, input.tenantId, 'query');
    return { items: (await this.keys.list(tenantId)).map(toResource) };
  }

  @Delete(':keyId')
  async revoke(@Req() request: AuthenticatedRequest, @Param('keyId') keyId: string, @Query() query: unknown) {
    const input = parseRequest(listApiKeysQuerySchema, query, 'query');
    const tenantId = await this.tenantOf(request.principal, input.tenantId, 'query');
    const row = await this.keys.revoke(tenantId, keyId, actorOf(request.principal));
    if (!row) throw ApiProblem.notFound(`API key ${keyId}`);
    this.authenticator.forgetKey(row.prefix);
    await this.audit.append({
      tenantId,
      actor: actorOf(request.principal),
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: keyId,
      details: { prefix: row.prefix, outcome: 'succeeded' },
      requestId: request.id,
    });
    return toResource(row);
  }

  /** The tenant a key call is about: the admin key's own, or the one the operator names (404 if unknown). */
  private async tenantOf(
    principal: Principal,
    named: string | undefined,
    part: 'body' | 'query',
  ): Promise<string> {
    if (principal.kind !== 'operator') {
      if (named !== undefined && named !== principal.tenantId) throw ApiProblem.notFound(`tenant ${named}`);
      return principal.tenantId;
    }
    if (named === undefined) {
      throw new ApiProblem(ProblemCode.InvalidRequest, 'the operator must name the tenant', [
        { field: `${part}.tenantId`, message: 'required when calling with the operator token' },
      ]);
    }
    if (!(await this.keys.tenantExists(named))) throw ApiProblem.notFound(`tenant ${named}`);
    return named;
  }
}
