import { createHash } from 'node:crypto';
import {
  commandPayloadSchemas,
  commandSchema,
  idempotencyKeySchema,
  newCommandId,
  type CommandResult,
  type ResultErrorCode,
} from '@fieldsync/canonical-model';
import { COMMAND_ENTITLEMENTS } from '@fieldsync/connector-kit';
import { DATABASE, entityTable, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { Entitlements } from '../auth/entitlements';
import { actorOf, connectionScopeOf, tenantOf, type Principal } from '../auth/principal.types';
import { API_CONFIG } from '../config/config.constants';
import type { ApiConfig } from '../config/api.config';
import { parseRequest, problemFields } from '../problem/parse-request.util';
import { ApiProblem, PROBLEM_STATUS, ProblemCode, type ProblemField } from '../problem/problem.error';
import { ApiIdempotencyRepository, type ApiIdempotencyRow } from './api-idempotency.repository';
import { CommandGateway } from './command-gateway.service';
import type { WriteRoute } from './write-routes';

/** What a write call answers: status, body and the headers that go with them. */
export interface WriteAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

const FAILURE_STATUS: Record<ResultErrorCode, ProblemCode> = {
  validation_failed: ProblemCode.Unprocessable,
  idempotency_key_reused: ProblemCode.Unprocessable,
  idempotency_key_in_flight: ProblemCode.Conflict,
  schedule_conflict: ProblemCode.Conflict,
  vendor_rejected: ProblemCode.Unprocessable,
  period_locked: ProblemCode.Unprocessable,
  vendor_unavailable: ProblemCode.VendorUnavailable,
  rate_limited: ProblemCode.RateLimited,
  not_found: ProblemCode.NotFound,
  forbidden: ProblemCode.Forbidden,
  unsupported: ProblemCode.Unprocessable,
  auth_failed: ProblemCode.VendorUnavailable,
  mfa_required: ProblemCode.VendorUnavailable,
  timeout: ProblemCode.VendorTimeout,
  internal: ProblemCode.VendorUnavailable,
};

const IDEMPOTENCY_HEADER = 'header.idempotency-key';
const TTL_HOURS = 24;

/**
 * The write side: a product-page write call becomes one command (the request's `Idempotency-Key` is its
 * idempotency key) sent to the writer over FSM_COMMANDS, exactly as over NATS. The call waits, bounded by
 * API_COMMAND_WAIT, for the result: 201/200 with the resource, a problem naming the field, or 202 with
 * `Location: /commands/{id}`. Per tenant and key the api keeps the request's fingerprint and its final
 * answer (IETF idempotency-key draft): same key and body → that answer with `Idempotent-Replayed: true`;
 * other body → 422; first call still in flight → 409. A retriable failure is not kept.
 */
@Injectable()
export class WritesService {
  private readonly keys: ApiIdempotencyRepository;
  private readonly audit: AuditLogRepository;
  private readonly entitlements: Entitlements;
  private readonly waitMs: number;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly gateway: CommandGateway,
  ) {
    this.keys = new ApiIdempotencyRepository(db);
    this.audit = new AuditLogRepository(db);
    this.entitlements = new Entitlements(db);
    this.waitMs = config.API_COMMAND_WAIT;
  }

  async execute(input: {
    route: WriteRoute;
    principal: Principal;
    requestId: string;
    params: Record<string, string>;
    body: unknown;
    idempotencyKey: string | string[] | undefined;
  }): Promise<WriteAnswer> {
    const { route, principal, requestId } = input;
    const tenantId = tenantOf(principal);
    const key = this.idempotencyKeyOf(input.idempotencyKey);
    const params = Object.fromEntries(
      Object.entries(input.params).map(([name, value]) => [name, this.pathParam(name, value)]),
    );
    const body = parseRequest(route.body, input.body ?? {}, 'body') as Record<string, unknown>;
    // A session token writes through its own connection only: another one's records are not found, as
    // another tenant's are not.
    const scope = connectionScopeOf(principal);
    const { connectionId, owner } = await this.connectionOf(route, tenantId, params, body, scope);
    await this.entitlements.require(
      tenantId,
      connectionId,
      COMMAND_ENTITLEMENTS[route.type],
      `send ${route.type}`,
    );
    const payload = route.payload(body, params, owner);
    const checked = commandPayloadSchemas[route.type].safeParse(payload);
    if (!checked.success) {
      const errors = problemFields('payload', checked.error.issues).map((f) => this.bodyField(route, f));
      throw new ApiProblem(
        ProblemCode.InvalidRequest,
        `invalid body: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        errors,
      );
    }
    // `POST /clients` is the same operation as `POST /connections/{its connection}/clients`
    const named: Record<string, string> = { ...params, connectionId };
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => named[name] ?? '');
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([route.method, path, body]))
      .digest('hex');
    const commandId = newCommandId();
    const claim = await this.keys.claim({
      tenantId,
      key,
      fingerprint,
      method: route.method,
      path,
      commandId,
      connectionId,
      actor: actorOf(principal),
      ttlHours: TTL_HOURS,
    });
    if (!claim.claimed) return this.repeated(route, claim.row, fingerprint, requestId);

    const command = commandSchema.parse({
      commandId,
      idempotencyKey: key,
      tenantId,
      connectionId,
      type: route.type,
      payload,
      requestedAt: new Date().toISOString(),
    });
    let result: CommandResult | undefined;
    try {
      result = await this.gateway.send(command, this.waitMs);
    } catch (error) {
      await this.keys.release(tenantId, key);
      throw error;
    }
    await this.audit.append({
      tenantId,
      actor: actorOf(principal),
      action: route.type,
      targetType: 'command',
      targetId: commandId,
      details: { connectionId, path, outcome: result?.status ?? 'pending' },
      requestId,
    });
    if (!result) return this.accepted(commandId);
    const answer = await this.answerOf(route, tenantId, result, requestId);
    if (answer.final) await this.keys.complete(tenantId, key, answer.status, answer.body);
    else await this.keys.release(tenantId, key);
    return { status: answer.status, body: answer.body, headers: {} };
  }

  /** A second call with a key already claimed: 422 for another request, the stored answer, or 409. */
  private async repeated(
    route: WriteRoute,
    row: ApiIdempotencyRow,
    fingerprint: string,
    requestId: string,
  ): Promise<WriteAnswer> {
    if (row.fingerprint !== fingerprint) {
      throw new ApiProblem(
        ProblemCode.Unprocessable,
        `Idempotency-Key was used for another request (${row.method} ${row.path} with other fields); use a new key`,
        [{ field: IDEMPOTENCY_HEADER, message: 'already used with a different request' }],
      );
    }
    if (row.state === 'completed' && row.response_status !== null && row.response_body !== null) {
      // the stored text parsed back: its keys in the order they were sent, so the replay is byte-identical
      return {
        status: row.response_status,
        body: JSON.parse(row.response_body) as Record<string, unknown>,
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const result = await this.finalResult(row.tenant_id, row.command_id);
    if (result) {
      const answer = await this.answerOf(route, row.tenant_id, result, requestId);
      if (answer.final) await this.keys.complete(row.tenant_id, row.key, answer.status, answer.body);
      return { status: answer.status, body: answer.body, headers: { 'idempotent-replayed': 'true' } };
    }
    throw new ApiProblem(
      ProblemCode.Conflict,
      `the first request with this Idempotency-Key is still in flight (command ${row.command_id}); retry later`,
      [{ field: IDEMPOTENCY_HEADER, message: 'a request with this key is in flight' }],
    );
  }

  /** The writer's final result of a command, from its `commands` row. */
  private async finalResult(tenantId: string, commandId: string): Promise<CommandResult | undefined> {
    const row = await this.db
      .selectFrom('commands')
      .select(['command_id', 'idempotency_key', 'type', 'status', 'result', 'error', 'completed_at'])
      .where('tenant_id', '=', tenantId)
      .where('command_id', '=', commandId)
      .executeTakeFirst();
    if (!row || !['succeeded', 'failed', 'rejected'].includes(row.status) || !row.completed_at)
      return undefined;
    return {
      commandId: row.command_id,
      idempotencyKey: row.idempotency_key,
      type: row.type as CommandResult['type'],
      status: row.status as CommandResult['status'],
      ...(row.status === 'succeeded' ? { result: row.result as Record<string, unknown> } : {}),
      ...(row.status !== 'succeeded' ? { error: row.error as CommandResult['error'] } : {}),
      completedAt: row.completed_at.toISOString(),
    };
  }

  private async answerOf(
    route: WriteRoute,
    tenantId: string,
    result: CommandResult,
    requestId: string,
  ): Promise<{ status: number; body: Record<string, unknown>; final: boolean }> {
    if (result.status === 'succeeded' && result.result) {
      const id = result.result[route.answers.idField];
      const stored =
        typeof id === 'string' ? await this.stored(route.answers.entity, tenantId, id) : undefined;
      const appointmentId = result.result['appointmentId'];
      const appointment =
        typeof appointmentId === 'string'
          ? await this.stored('appointment', tenantId, appointmentId)
          : undefined;
      return {
        status: route.status,
        body: route.answer({ result: result.result, completedAt: result.completedAt, stored, appointment }),
        final: true,
      };
    }
    const error = result.error;
    const code = error ? FAILURE_STATUS[error.code] : ProblemCode.VendorUnavailable;
    const fields: ProblemField[] = (
      error?.issues ?? (error?.field ? [{ field: error.field, message: error.message }] : [])
    ).map((issue) => this.bodyField(route, { field: issue.field, message: issue.message }));
    const body: Record<string, unknown> = {
      type: `urn:fieldsync:problem:${code}`,
      title: PROBLEM_STATUS[code].title,
      status: PROBLEM_STATUS[code].status,
      detail: error?.message ?? 'the command failed',
      instance: requestId,
      code,
      ...(fields.length > 0 ? { errors: fields } : {}),
      commandId: result.commandId,
      commandError: error?.code ?? 'internal',
      retriable: error?.retriable ?? true,
    };
    return { status: PROBLEM_STATUS[code].status, body, final: !(error?.retriable ?? true) };
  }

  private accepted(commandId: string): WriteAnswer {
    return {
      status: 202,
      body: { commandId, status: 'pending', location: `/commands/${commandId}` },
      headers: { location: `/commands/${commandId}` },
    };
  }

  private async stored(entity: WriteRoute['answers']['entity'], tenantId: string, id: string) {
    const { rows } = await sql<{ document: Record<string, unknown> }>`
      select document from ${sql.table(entityTable(entity).table)}
      where tenant_id = ${tenantId} and id = ${id} and deleted_at is null`.execute(this.db);
    return rows[0]?.document;
  }

  private async connectionOf(
    route: WriteRoute,
    tenantId: string,
    params: Record<string, string>,
    body: Record<string, unknown>,
    scope: string | undefined,
  ): Promise<{ connectionId: string; owner: Record<string, unknown> | undefined }> {
    if (!route.owner) {
      const connectionId = params['connectionId'] ?? scope ?? (await this.onlyConnectionOf(tenantId));
      if (scope !== undefined && connectionId !== scope)
        throw ApiProblem.notFound(`connection ${connectionId}`);
      const row = await this.db
        .selectFrom('connections')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', connectionId)
        .executeTakeFirst();
      if (!row) throw ApiProblem.notFound(`connection ${connectionId}`);
      return { connectionId, owner: undefined };
    }
    const id = route.owner.id(params, body);
    const owner = await this.stored(route.owner.entity, tenantId, id);
    if (
      !owner ||
      typeof owner['connectionId'] !== 'string' ||
      (scope !== undefined && owner['connectionId'] !== scope)
    ) {
      const inBody = !Object.values(params).includes(id);
      throw new ApiProblem(
        ProblemCode.NotFound,
        `${route.owner.entity} ${id} not found`,
        inBody
          ? [{ field: `body.${Object.keys(body).find((k) => body[k] === id) ?? 'id'}`, message: 'not found' }]
          : [],
      );
    }
    return { connectionId: owner['connectionId'], owner };
  }

  /** `POST /clients` with an API key: the tenant's one connection, or 400 naming the missing choice. */
  private async onlyConnectionOf(tenantId: string): Promise<string> {
    const rows = await this.db
      .selectFrom('connections')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .limit(2)
      .execute();
    const [only] = rows;
    if (only && rows.length === 1) return only.id;
    const detail =
      rows.length === 0
        ? 'the tenant has no connection to create the client in'
        : 'the tenant has several connections: name one with POST /connections/{connectionId}/clients (or call with its session token)';
    throw new ApiProblem(ProblemCode.InvalidRequest, detail, [
      { field: 'path.connectionId', message: 'which connection to create the client in' },
    ]);
  }

  /** A payload field as the caller named it (`payload.customerId` → `body.clientId`). */
  private bodyField(route: WriteRoute, field: ProblemField): ProblemField {
    const path = field.field.replace(/^payload\.?/, '');
    const renamed = route.renamed ?? {};
    const exact = renamed[path];
    const head = Object.keys(renamed)
      .filter((from) => path.startsWith(`${from}.`))
      .sort((a, b) => b.length - a.length)[0];
    const mapped = exact ?? (head ? `${renamed[head] ?? head}${path.slice(head.length)}` : path);
    return { field: mapped === '' ? 'body' : `body.${mapped}`, message: field.message };
  }

  private idempotencyKeyOf(header: string | string[] | undefined): string {
    if (header === undefined) {
      throw new ApiProblem(ProblemCode.InvalidRequest, 'Idempotency-Key header required on every write', [
        { field: IDEMPOTENCY_HEADER, message: 'required: a unique key per operation, e.g. a UUID' },
      ]);
    }
    if (Array.isArray(header)) {
      throw new ApiProblem(ProblemCode.InvalidRequest, 'one Idempotency-Key header only', [
        { field: IDEMPOTENCY_HEADER, message: 'sent more than once' },
      ]);
    }
    // RFC 8941 sf-string: the draft's form is a quoted string; a bare token is accepted too
    const unquoted = /^"(.*)"$/.exec(header)?.[1] ?? header;
    const parsed = idempotencyKeySchema.safeParse(unquoted);
    if (!parsed.success) {
      throw new ApiProblem(
        ProblemCode.InvalidRequest,
        `invalid Idempotency-Key: ${parsed.error.issues[0]?.message ?? ''}`,
        [{ field: IDEMPOTENCY_HEADER, message: parsed.error.issues[0]?.message ?? 'invalid' }],
      );
    }
    return parsed.data;
  }

  private pathParam(name: string, value: string): string {
    if (value.length === 0 || value.length > 200) {
      throw new ApiProblem(ProblemCode.InvalidRequest, `invalid path parameter ${name}`, [
        { field: `path.${name}`, message: 'must be 1-200 characters' },
      ]);
    }
    return value;
  }
}
