import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Body,
  Controller,
  ForbiddenException,
  Headers,
  HttpCode,
  HttpException,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import { establishSessionBodySchema, refreshSessionBodySchema } from '@fieldsync/session-client';
import { parseOr400 } from '../admin/zod-body.util';
import { ConnectionsRepository } from '../connections/connections.repository';
import { SessionTokenError, SessionTokenService } from '../tokens/session-token.service';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionService, type ActiveSession } from './session.service';
import { SessionVault } from './session.vault';

function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const STATUS: Record<SessionErrorCode, number> = {
  [SessionErrorCode.ConnectionNotFound]: 404,
  [SessionErrorCode.ConnectionDisabled]: 403,
  [SessionErrorCode.NeedsAttention]: 409,
  [SessionErrorCode.LoginFailed]: 503,
  [SessionErrorCode.MfaTimeout]: 504,
  [SessionErrorCode.VendorUnavailable]: 503,
  [SessionErrorCode.Internal]: 500,
};

/**
 * The integrators' session API of the seeds: `POST /sessions` establishes (or reuses) the platform's
 * session for a connection whose credentials the caller proves it knows, and returns a short-lived
 * signed token scoped to that tenant and connection; `POST /sessions/refresh` exchanges a token for a
 * fresh one while the platform keeps the vendor session alive. A credential mismatch is refused here,
 * before any vendor login, so a wrong password typed by an integrator never counts toward the vendor's
 * lockout.
 */
@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly connections: ConnectionsRepository,
    private readonly vault: SessionVault,
    private readonly tokens: SessionTokenService,
  ) {}

  @Post()
  @HttpCode(200)
  async establish(@Body() body: unknown) {
    const input = parseOr400(establishSessionBodySchema, body);
    const connection = await this.connections.findById(input.connectionId);
    const invalid = new UnauthorizedException({
      error: 'invalid_credentials',
      message: 'username or password does not match the connection',
    });
    // A connection without a stored password (never given one) cannot be proved: the same refusal.
    if (!connection || connection.password_encrypted === null || connection.key_id === null) throw invalid;
    const stored = this.vault.credentials(connection);
    if (
      !same(stored.username.toLowerCase(), input.username.toLowerCase()) ||
      !same(stored.password, input.password)
    ) {
      throw invalid;
    }
    if (input.mfa && input.mfa.type !== connection.mfa_method) {
      throw new ForbiddenException({
        error: 'mfa_method_mismatch',
        message: `mfa.type must be ${connection.mfa_method} for this connection`,
      });
    }
    const active = await this.acquire(connection.id, input.mfa?.code);
    return this.answer(active);
  }

  @Post('refresh')
  @HttpCode(200)
  async refresh(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const fromHeader = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const token = fromHeader ?? parseOr400(refreshSessionBodySchema, body).authToken;
    if (!token) {
      throw new UnauthorizedException({
        error: 'missing_token',
        message: 'send the authToken as Authorization: Bearer',
      });
    }
    let claims;
    try {
      claims = this.tokens.verifyForRefresh(token);
    } catch (error) {
      if (error instanceof SessionTokenError) {
        throw new UnauthorizedException({ error: 'invalid_token', message: error.message });
      }
      throw error;
    }
    const active = await this.acquire(claims.sub);
    if (active.connection.tenant_id !== claims.tid) {
      throw new UnauthorizedException({
        error: 'invalid_token',
        message: 'token does not belong to this connection',
      });
    }
    return this.answer(active);
  }

  private async acquire(connectionId: string, code?: string): Promise<ActiveSession> {
    try {
      return await this.sessions.acquire(connectionId, code === undefined ? {} : { codeOverride: code });
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      const headers = error.retryAt
        ? { retryAfter: Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 1000)) }
        : {};
      throw new HttpException(
        { error: error.code, message: error.message, retriable: error.retriable, ...headers },
        STATUS[error.code],
      );
    }
  }

  private answer(active: ActiveSession) {
    const { authToken, expiresIn } = this.tokens.issue({
      connectionId: active.connection.id,
      tenantId: active.connection.tenant_id,
      sessionVersion: active.row.version,
      sessionExpiresAt: active.row.expires_at ?? new Date(),
    });
    const { id, name, entitlements } = active.session.user;
    return { authToken, expiresIn, user: { id, name, entitlements: [...entitlements] } };
  }
}
