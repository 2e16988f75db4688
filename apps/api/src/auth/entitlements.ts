import type { Entitlement } from '@fieldsync/connector-kit';
import { ConnectionRoleRepository, type DB } from '@fieldsync/persistence';
import type { Kysely } from 'kysely';
import { ShortLivedLookups } from '../http/short-lived-lookups.util';
import { ApiProblem, ProblemCode } from '../problem/problem.error';

/** The entitlement each collection's reads need (the connectors' shared vocabulary). */
export const RESOURCE_ENTITLEMENTS: Readonly<Record<string, Entitlement>> = {
  customers: 'clients',
  clients: 'clients',
  leads: 'clients',
  jobs: 'jobs',
  appointments: 'scheduling',
  estimates: 'estimates',
  quotes: 'estimates',
  invoices: 'invoices',
  payments: 'payments',
  technicians: 'technicians',
  'pricebook-items': 'pricebook',
  memberships: 'memberships',
  equipment: 'equipment',
};

type Rights = ReadonlyMap<string, readonly string[] | null>;

/**
 * The entitlements the session manager captured at each connection's login (`sessions.user_info`): the
 * vendor role's capabilities. A connection without a captured list (never logged in) is not restricted
 * here: its session manager has not reported a role yet.
 *
 * With `maxAgeMs` (the read routes) a tenant's list is read at most that long before the request, once for
 * all of its connections, so a busy tenant's reads do not each look it up; a role changed at a login is
 * enforced within `maxAgeMs`. A connection the request names that the list lacks (created since) is
 * looked up at once. Without it (writes) every call reads the store.
 */
export class Entitlements {
  private readonly roles: ConnectionRoleRepository;
  private readonly cache: ShortLivedLookups<Rights> | undefined;

  constructor(db: Kysely<DB>, options: { maxAgeMs?: number } = {}) {
    this.roles = new ConnectionRoleRepository(db);
    this.cache = options.maxAgeMs
      ? new ShortLivedLookups<Rights>({
          maxAgeMs: options.maxAgeMs,
          lookUp: (tenantId) => this.roles.entitlementsOf(tenantId),
        })
      : undefined;
  }

  /** Per connection of the tenant (all, or the named ones): its entitlements, or null when unknown. */
  async of(
    tenantId: string,
    connectionIds?: readonly string[],
  ): Promise<Map<string, readonly string[] | null>> {
    if (!this.cache) return this.roles.entitlementsOf(tenantId, connectionIds);
    const all = await this.cache.get(tenantId);
    if (connectionIds === undefined) return new Map(all);
    if (connectionIds.some((id) => !all.has(id))) return this.roles.entitlementsOf(tenantId, connectionIds);
    return new Map(connectionIds.map((id) => [id, all.get(id) ?? null]));
  }

  /** Throws 403 naming the entitlement when the connection's vendor role lacks it. */
  async require(tenantId: string, connectionId: string, needed: Entitlement, what: string): Promise<void> {
    const list = (await this.of(tenantId, [connectionId])).get(connectionId);
    if (list && !list.includes(needed)) throw missing(connectionId, needed, what);
  }
}

export function missing(connectionId: string, needed: string, what: string): ApiProblem {
  return new ApiProblem(
    ProblemCode.Forbidden,
    `the vendor role of connection ${connectionId} lacks the ${needed} entitlement needed to ${what}`,
    [{ field: 'entitlement', message: `missing ${needed}` }],
  );
}
