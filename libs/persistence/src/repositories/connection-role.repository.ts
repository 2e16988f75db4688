import type { Kysely } from 'kysely';
import type { DB } from '../generated/db.types';

/**
 * The entitlements the session manager captured at each connection's login (`sessions.user_info`): what
 * the vendor role may read and write. The api (reads, REST writes) and the writer (commands on NATS)
 * enforce them from this one source. `null`: no role captured yet (the connection never logged in).
 */
export class ConnectionRoleRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * One connection of the tenant with its vendor and its entitlements (null when unknown), in one query;
   * undefined when the tenant has no such connection. The writer asks this once per command.
   */
  async connectionWithEntitlements(
    tenantId: string,
    connectionId: string,
  ): Promise<{ vendor: string; status: string; entitlements: readonly string[] | null } | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .leftJoin('sessions', 'sessions.connection_id', 'connections.id')
      .select([
        'connections.vendor as vendor',
        'connections.status as status',
        'sessions.user_info as userInfo',
      ])
      .where('connections.tenant_id', '=', tenantId)
      .where('connections.id', '=', connectionId)
      .executeTakeFirst();
    return row
      ? { vendor: row.vendor, status: row.status, entitlements: entitlementsIn(row.userInfo) }
      : undefined;
  }

  /** Per connection of the tenant (all, or the named ones): its entitlements, or null when unknown. */
  async entitlementsOf(
    tenantId: string,
    connectionIds?: readonly string[],
  ): Promise<Map<string, readonly string[] | null>> {
    if (connectionIds?.length === 0) return new Map();
    let query = this.db
      .selectFrom('connections')
      .leftJoin('sessions', 'sessions.connection_id', 'connections.id')
      .select(['connections.id as id', 'sessions.user_info as userInfo'])
      .where('connections.tenant_id', '=', tenantId);
    if (connectionIds) query = query.where('connections.id', 'in', [...connectionIds]);
    const rows = await query.execute();
    return new Map(rows.map((row) => [row.id, entitlementsIn(row.userInfo)]));
  }
}

function entitlementsIn(userInfo: unknown): readonly string[] | null {
  const info = (typeof userInfo === 'string' ? JSON.parse(userInfo) : userInfo) as {
    entitlements?: unknown;
  } | null;
  return Array.isArray(info?.entitlements)
    ? info.entitlements.filter((e): e is string => typeof e === 'string')
    : null;
}
