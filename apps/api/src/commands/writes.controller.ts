import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { DATABASE, type DB } from '@fieldsync/persistence';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { Access } from '../auth/access.decorator';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { connectionScopeOf, tenantOf } from '../auth/principal.types';
import { ApiProblem } from '../problem/problem.error';
import { ApiIdempotencyRepository } from './api-idempotency.repository';
import { WRITE_ROUTES, type WriteRoute } from './write-routes';
import { WritesService, type WriteAnswer } from './writes.service';

const route = (operationId: string): WriteRoute => {
  const found = WRITE_ROUTES.find((r) => r.operationId === operationId);
  if (!found) throw new Error(`no write route ${operationId}`);
  return found;
};

/**
 * The product pages' writes, each one command (WritesService), and `GET /commands/{commandId}`. Writes
 * need the `write` scope and an `Idempotency-Key` header.
 */
@Controller()
@Access({ scope: 'write' })
export class WritesController {
  private readonly keys: ApiIdempotencyRepository;

  constructor(
    private readonly writes: WritesService,
    @Inject(DATABASE) private readonly db: Kysely<DB>,
  ) {
    this.keys = new ApiIdempotencyRepository(db);
  }

  @Post('connections/:connectionId/clients')
  createClient(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('createClient', r, s, p, b, k);
  }

  @Post('clients')
  createClientOfTheConnection(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('createClient', r, s, {}, b, k);
  }

  @Post('jobs')
  createJob(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('createJob', r, s, p, b, k);
  }

  @Patch('jobs/:jobId/dispatch')
  dispatchJob(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('dispatchJob', r, s, p, b, k);
  }

  @Post('jobs/:jobId/status')
  updateJobStatus(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('updateJobStatus', r, s, p, b, k);
  }

  @Post('quotes')
  createQuote(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('createQuote', r, s, p, b, k);
  }

  @Post('quotes/:quoteId/convert')
  convertQuote(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('convertQuote', r, s, p, b, k);
  }

  @Post('jobs/:jobId/invoices')
  createInvoice(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('createInvoice', r, s, p, b, k);
  }

  @Post('invoices/:invoiceId/payments')
  recordPayment(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('recordPayment', r, s, p, b, k);
  }

  @Post('payments/:paymentId/refunds')
  refundPayment(
    @Req() r: AuthenticatedRequest,
    @Res({ passthrough: true }) s: FastifyReply,
    @Param() p: Record<string, string>,
    @Body() b: unknown,
    @Headers('idempotency-key') k?: string,
  ) {
    return this.run('refundPayment', r, s, p, b, k);
  }

  /** A command sent through the api or over NATS: its status, and its result or error once final. */
  @Get('commands/:commandId')
  @Access({ scope: 'read' })
  @HttpCode(200)
  async command(@Req() request: AuthenticatedRequest, @Param('commandId') commandId: string) {
    const tenantId = tenantOf(request.principal);
    const scope = connectionScopeOf(request.principal);
    const row = await this.db
      .selectFrom('commands')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('command_id', '=', commandId)
      .executeTakeFirst();
    // A session token sees its own connection's commands only.
    if (row && scope !== undefined && row.connection_id !== scope) {
      throw ApiProblem.notFound(`command ${commandId}`);
    }
    if (row) {
      return {
        commandId: row.command_id,
        type: row.type,
        connectionId: row.connection_id,
        idempotencyKey: row.idempotency_key,
        status: row.status,
        result: row.result ?? null,
        error: row.error ?? null,
        requestedAt: row.requested_at?.toISOString() ?? null,
        completedAt: row.completed_at?.toISOString() ?? null,
      };
    }
    const sent = await this.keys.findByCommand(tenantId, commandId);
    if (!sent || (scope !== undefined && sent.connection_id !== scope)) {
      throw ApiProblem.notFound(`command ${commandId}`);
    }
    return {
      commandId,
      type: null,
      connectionId: sent.connection_id,
      idempotencyKey: sent.key,
      status: 'pending',
      result: null,
      error: null,
      requestedAt: sent.created_at.toISOString(),
      completedAt: null,
    };
  }

  private async run(
    operationId: string,
    request: AuthenticatedRequest,
    reply: FastifyReply,
    params: Record<string, string>,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<Record<string, unknown>> {
    const answer: WriteAnswer = await this.writes.execute({
      route: route(operationId),
      principal: request.principal,
      requestId: request.id,
      params,
      body,
      idempotencyKey: request.headers['idempotency-key'] ?? idempotencyKey,
    });
    void reply.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) void reply.header(name, value);
    if (answer.status >= 400) void reply.header('content-type', 'application/problem+json');
    return answer.body;
  }
}
