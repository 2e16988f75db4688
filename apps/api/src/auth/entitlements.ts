import type { Entitlement } from '@fieldsync/connector-kit';
import { ConnectionRoleRepository, type DB } from '@fieldsync/persistence';
import type { Kysely } from 'kysely';
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

/**
 * The entitlements the session manager captured at each connection's login (`sessions.user_info`): the
 * vendor role's capabilities. A connection without a captured list (never logged in) is not restricted
 * here: its session manager has not reported a role yet.
 */
export class Entitlements {
  private readonly roles: ConnectionRoleRepository;

  constructor(db: Kysely<DB>) {
    this.roles = new ConnectionRoleRepository(db);
  }

  /** Per connection of the tenant (all, or the named ones): its entitlements, or null when unknown. */
  of(tenantId: string, connectionIds?: readonly string[]): Promise<Map<string, readonly string[] | null>> {
    return this.roles.entitlementsOf(tenantId, connectionIds);
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
