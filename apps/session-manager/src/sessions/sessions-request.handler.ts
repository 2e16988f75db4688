import { sessionsFilter } from '@fieldsync/messaging';
import {
  acquireRequestSchema,
  invalidateRequestSchema,
  sealSession,
  statusRequestSchema,
  type AcquireReply,
  type InvalidateReply,
  type SessionErrorReply,
  type StatusReply,
} from '@fieldsync/session-client';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionService } from './session.service';
import { sessionStatusView } from './session-status.view';

/** The connection id of `[<prefix>.]fsm.sessions.<connection>.<op>`. */
function connectionOf(subject: string): string {
  const tokens = subject.split('.');
  return tokens[tokens.length - 2] ?? '';
}

function badRequest(error: z.ZodError): SessionErrorReply {
  const issues = error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
  return { ok: false, error: { code: 'bad_request', message: issues, retriable: false } };
}

function failure(error: unknown, logger: Logger, connectionId: string): SessionErrorReply {
  if (error instanceof SessionError) {
    return { ok: false, error: { code: error.code, message: error.message, retriable: error.retriable } };
  }
  logger.error({ err: error, connectionId }, 'session request failed');
  return {
    ok: false,
    error: {
      code: SessionErrorCode.Internal,
      message: `session request for ${connectionId} failed`,
      retriable: true,
    },
  };
}

/**
 * Core NATS request/reply for the services that call vendors (`fsm.sessions.<connection>.acquire |
 * invalidate | status`). The session's cookies and tokens go back sealed for the requester's key
 * (libs/session-client envelope); the NATS authorization config (docker/nats) lets only the extractor
 * and the writer publish here.
 */
@Controller()
export class SessionsRequestHandler {
  private readonly logger = new Logger(SessionsRequestHandler.name);

  constructor(private readonly sessions: SessionService) {}

  @MessagePattern(sessionsFilter('acquire'))
  async acquire(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<AcquireReply> {
    const connectionId = connectionOf(ctx.getSubject());
    const request = acquireRequestSchema.safeParse(data);
    if (!request.success) return badRequest(request.error);
    try {
      const active = await this.sessions.acquire(connectionId, {
        ...(request.data.minValidityMs === undefined ? {} : { minValidityMs: request.data.minValidityMs }),
      });
      const envelope = sealSession(active.session, {
        connectionId,
        requester: request.data.requester,
        sessionVersion: active.row.version,
        publicKey: request.data.publicKey,
      });
      this.logger.log(
        {
          connectionId,
          tenantId: active.connection.tenant_id,
          requester: request.data.requester,
          version: active.row.version,
        },
        'session handed out',
      );
      return {
        ok: true,
        connectionId,
        sessionVersion: active.row.version,
        expiresAt: (active.row.expires_at ?? new Date()).toISOString(),
        user: { ...active.session.user, entitlements: [...active.session.user.entitlements] },
        envelope,
      };
    } catch (error) {
      return failure(error, this.logger, connectionId);
    }
  }

  @MessagePattern(sessionsFilter('invalidate'))
  async invalidate(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<InvalidateReply> {
    const connectionId = connectionOf(ctx.getSubject());
    const request = invalidateRequestSchema.safeParse(data);
    if (!request.success) return badRequest(request.error);
    try {
      const invalidated = await this.sessions.invalidate(
        connectionId,
        request.data.reason,
        request.data.sessionVersion,
      );
      this.logger.log(
        { connectionId, requester: request.data.requester, reason: request.data.reason, invalidated },
        'invalidate requested',
      );
      return { ok: true, invalidated };
    } catch (error) {
      return failure(error, this.logger, connectionId);
    }
  }

  @MessagePattern(sessionsFilter('status'))
  async status(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<StatusReply> {
    const connectionId = connectionOf(ctx.getSubject());
    const request = statusRequestSchema.safeParse(data);
    if (!request.success) return badRequest(request.error);
    try {
      const { connection, row } = await this.sessions.status(connectionId);
      return {
        ok: true,
        connectionId,
        connectionStatus: connection.status as 'pending' | 'active' | 'needs_attention' | 'disabled',
        session: sessionStatusView(row),
      };
    } catch (error) {
      return failure(error, this.logger, connectionId);
    }
  }
}
