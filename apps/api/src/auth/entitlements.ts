import type { CommandType } from '@fieldsync/canonical-model';
import type { Entitlement } from '@fieldsync/connector-kit';
import type { DB } from '@fieldsync/persistence';
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

/** The entitlement each command needs. */
export const COMMAND_ENTITLEMENTS: Readonly<Record<CommandType, Entitlement>> = {
  'client.create': 'clients',
  'job.create': 'jobs',
  'job.dispatch': 'scheduling',
  'job.status.update': 'jobs',
  'quote.create': 'estimates',
  'quote.convert': 'estimates',
  'invoice.create': 'invoices',
  'payment.record': 'payments',
  'payment.refund': 'payments',
  'attachment.upload': 'jobs',
  // A lead is read under `clients` (RESOURCE_ENTITLEMENTS.leads), so creating one needs it too.
  'lead.create': 'clients',
};

/**
 * The entitlements the session manager captured at each connection's login (`sessions.user_info`): the
 * vendor role's capabilities. A connection without a captured list (never logged in) is not restricted
 * here: its session manager has not reported a role yet.
 */
export class Entitlements {
  constructor(private readonly db: Kysely<DB>) {}

  /** Per connection of the tenant (all, or the named ones): its entitlements, or null when unknown. */
  async of(
    tenantId: string,
    connectionIds?: readonly string[],
  ): Promise<Map<string, readonly string[] | null>> {
    let query = this.db
      .selectFrom('connections')
      .leftJoin('sessions', 'sessions.connection_id', 'connections.id')
      .select(['connections.id as id', 'sessions.user_info as userInfo'])
      .where('connections.tenant_id', '=', tenantId);
    if (connectionIds) query = query.where('connections.id', 'in', [...connectionIds]);
    const rows = connectionIds?.length === 0 ? [] : await query.execute();
    return new Map(
      rows.map((row) => {
        const info = (typeof row.userInfo === 'string' ? JSON.parse(row.userInfo) : row.userInfo) as {
          entitlements?: unknown;
          role?: unknown;
        } | null;
        const list = Array.isArray(info?.entitlements) ? (info.entitlements as string[]) : null;
        return [row.id, list];
      }),
    );
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
