import { createHash, timingSafeEqual } from 'node:crypto';
import { DATABASE, SYNCED_CONNECTION_STATUSES, type DB } from '@fieldsync/persistence';
import { looksLikeSessionToken, SessionTokenError, verifySessionToken } from '@fieldsync/session-client';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { ShortLivedLookups } from '../http/short-lived-lookups.util';
import { ApiProblem, ProblemCode } from '../problem/problem.error';
import { ApiKeyRepository, type ApiKeyRow } from './api-key.repository';
import { API_KEY_SCOPES, apiKeyPrefix, verifyApiKey, type ApiKeyScope } from './api-key.util';
import { OPERATOR_TOKEN, SESSION_TOKEN_KEY } from './auth.constants';
import type { Principal } from './principal.types';

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();
/** last_used_at is written at most this often per key, so reads stay reads. */
const TOUCH_EVERY_MS = 60_000;
/**
 * How old a key's row may be when a request is authenticated with it: a revocation or expiry made by any
 * replica (or in SQL) is refused within this, well inside the second; one look-up per key and
 * quarter second instead of one per request.
 */
export const API_KEY_ROW_MAX_AGE_MS = 250;
/** How old a session token's connection status may be: a connection disabled anywhere stops its tokens within this. */
export const SESSION_CONNECTION_MAX_AGE_MS = 250;

const unauthorized = (detail: string): ApiProblem =>
  new ApiProblem(ProblemCode.Unauthorized, detail, [{ field: 'header.authorization', message: detail }]);

/**
 * Turns `Authorization: Bearer …` into a Principal. An API key's row is looked up by its public prefix at
 * most API_KEY_ROW_MAX_AGE_MS before the request (a revocation or expiry takes effect within it; one made
 * by this process at once) and the key checked against its scrypt hash in constant time; a key already
 * verified in this process is recognised by a SHA-256 of it kept in memory, so the KDF runs once per key
 * and process, not once per request. The operator token is compared in constant time
 * (both sides hashed); without FIELDSYNC_ADMIN_TOKEN no bearer is the operator: the operator routes are closed.
 */
@Injectable()
export class Authenticator {
  private readonly keys: ApiKeyRepository;
  private readonly operator: Buffer | undefined;
  private readonly verified = new Map<string, Buffer>();
  private readonly touchedAt = new Map<string, number>();
  /** An API key's row by its public prefix (`row` undefined: no such key, also kept for the age). */
  private readonly rows: ShortLivedLookups<{ row: ApiKeyRow | undefined }>;
  /** A session token's connection's status by tenant and connection (`status` undefined: none of that tenant). */
  private readonly sessionConnections: ShortLivedLookups<{ status: string | undefined }>;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    @Inject(OPERATOR_TOKEN) operatorToken: string | undefined,
    @Inject(SESSION_TOKEN_KEY) private readonly sessionKey: Buffer | undefined,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(Authenticator.name);
    this.keys = new ApiKeyRepository(db);
    this.rows = new ShortLivedLookups({
      maxAgeMs: API_KEY_ROW_MAX_AGE_MS,
      lookUp: async (prefix) => ({ row: await this.keys.findByPrefix(prefix) }),
    });
    this.sessionConnections = new ShortLivedLookups({
      maxAgeMs: SESSION_CONNECTION_MAX_AGE_MS,
      lookUp: async (key) => {
        const [tenantId, connectionId] = JSON.parse(key) as [string, string];
        const connection = await this.db
          .selectFrom('connections')
          .select(['status'])
          .where('id', '=', connectionId)
          .where('tenant_id', '=', tenantId)
          .executeTakeFirst();
        return { status: connection?.status };
      },
    });
    this.operator = operatorToken === undefined ? undefined : sha256(operatorToken);
  }

  get operatorConfigured(): boolean {
    return this.operator !== undefined;
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (authorization === undefined || authorization === '') {
      throw unauthorized('missing Authorization header: send Authorization: Bearer <API key>');
    }
    const token = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization)?.[1];
    if (token === undefined) throw unauthorized('malformed Authorization header: expected Bearer <API key>');
    const prefix = apiKeyPrefix(token);
    if (prefix !== undefined) return this.apiKey(token, prefix);
    if (looksLikeSessionToken(token)) return this.session(token);
    if (this.operator !== undefined && timingSafeEqual(sha256(token), this.operator))
      return { kind: 'operator' };
    throw unauthorized('invalid API key');
  }

  private async apiKey(token: string, prefix: string): Promise<Principal> {
    const { row } = await this.rows.get(prefix);
    if (!row) throw unauthorized('invalid API key');
    const digest = sha256(token);
    const known = this.verified.get(row.id);
    const matches =
      known !== undefined ? timingSafeEqual(known, digest) : await verifyApiKey(token, row.id, row.key_hash);
    if (!matches) throw unauthorized('invalid API key');
    this.verified.set(row.id, digest);
    if (row.revoked_at !== null) throw unauthorized(`API key ${prefix} has been revoked`);
    if (row.expires_at !== null && row.expires_at.getTime() <= Date.now()) {
      throw unauthorized(`API key ${prefix} has expired`);
    }
    this.touch(row.id);
    const scopes = row.scopes.filter((s): s is ApiKeyScope =>
      (API_KEY_SCOPES as readonly string[]).includes(s),
    );
    return { kind: 'api_key', keyId: row.id, prefix: row.prefix, tenantId: row.tenant_id, scopes };
  }

  /**
   * The token of `POST /sessions`: signature, issuer, audience and expiry (no grace: an expired token is
   * refreshed at `POST /sessions/refresh`), then its connection, which must still be of its tenant and
   * synced, read at most SESSION_CONNECTION_MAX_AGE_MS before the request like a key's row (a disabled or
   * failing connection's tokens stop working within it).
   */
  private async session(token: string): Promise<Principal> {
    if (this.sessionKey === undefined) {
      throw unauthorized('session tokens are not accepted here (FIELDSYNC_SESSION_TOKEN_SECRET is not set)');
    }
    let claims;
    try {
      claims = verifySessionToken(this.sessionKey, token);
    } catch (error) {
      if (error instanceof SessionTokenError) throw unauthorized(error.message);
      throw error;
    }
    const { status } = await this.sessionConnections.get(JSON.stringify([claims.tid, claims.sub]));
    if (status === undefined || !(SYNCED_CONNECTION_STATUSES as readonly string[]).includes(status)) {
      throw unauthorized(`the session's connection ${claims.sub} is not active`);
    }
    return { kind: 'session', tenantId: claims.tid, connectionId: claims.sub, scopes: ['write'] };
  }

  /** A key this process changed (revoked): its next request reads its row again. */
  forgetKey(prefix: string): void {
    this.rows.forget(prefix);
  }

  private touch(keyId: string): void {
    const now = Date.now();
    if (now - (this.touchedAt.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
    this.touchedAt.set(keyId, now);
    this.keys
      .touch(keyId)
      .catch((error: unknown) => this.logger.warn({ err: error, keyId }, 'last_used_at not updated'));
  }
}
