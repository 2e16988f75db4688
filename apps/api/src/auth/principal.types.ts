import { ApiProblem } from '../problem/problem.error';
import type { ApiKeyScope } from './api-key.util';

/**
 * Who is calling: the operator (FIELDSYNC_ADMIN_TOKEN), one tenant's API key, or the short-lived token of
 * `POST /sessions`, which acts for one connection of one tenant (read and write, never admin).
 */
export type Principal =
  | { readonly kind: 'operator' }
  | {
      readonly kind: 'api_key';
      readonly keyId: string;
      readonly prefix: string;
      readonly tenantId: string;
      readonly scopes: readonly ApiKeyScope[];
    }
  | {
      readonly kind: 'session';
      readonly tenantId: string;
      readonly connectionId: string;
      readonly scopes: readonly ApiKeyScope[];
    };

/** A caller that acts within one tenant. */
export type TenantPrincipal = Exclude<Principal, { kind: 'operator' }>;

/** The actor string of the audit log: `operator`, `key:<id>` or `session:<connection id>`. */
export function actorOf(principal: Principal): string {
  if (principal.kind === 'operator') return 'operator';
  return principal.kind === 'api_key' ? `key:${principal.keyId}` : `session:${principal.connectionId}`;
}

/** The caller's tenant (routes that accept tenant callers only; the guard keeps the operator out). */
export function tenantOf(principal: Principal): string {
  if (principal.kind === 'operator') throw new Error('this route accepts tenant credentials only');
  return principal.tenantId;
}

/** The one connection a session token acts for; undefined for an API key (every connection of its tenant). */
export function connectionScopeOf(principal: Principal): string | undefined {
  return principal.kind === 'session' ? principal.connectionId : undefined;
}

/**
 * A connection the caller names, checked against the connection a session token is limited to: another
 * connection answers 404 as one of another tenant does. Returns the connection to use (the named one, or
 * the token's own when none is named).
 */
export function withinScope(principal: Principal, connectionId: string | undefined): string | undefined {
  const scope = connectionScopeOf(principal);
  if (scope === undefined) return connectionId;
  if (connectionId !== undefined && connectionId !== scope)
    throw ApiProblem.notFound(`connection ${connectionId}`);
  return scope;
}
