import { DATABASE, type Connections, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import {
  sql,
  type Insertable,
  type Kysely,
  type Selectable,
  type Transaction,
  type Updateable,
} from 'kysely';

export type ConnectionRow = Selectable<Connections>;
export type ConnectionStatus = 'pending' | 'active' | 'needs_attention' | 'disabled';
type Executor = Kysely<DB> | Transaction<DB>;

/** The `connections` table (and the tenants it belongs to). One query per method, no rules. */
@Injectable()
export class ConnectionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  async insert(row: Insertable<Connections>): Promise<ConnectionRow> {
    return this.db.insertInto('connections').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async findById(connectionId: string, executor: Executor = this.db): Promise<ConnectionRow | undefined> {
    return executor.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
  }

  async findForTenant(tenantId: string, connectionId: string): Promise<ConnectionRow | undefined> {
    return this.db
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', connectionId)
      .executeTakeFirst();
  }

  async list(filter: { tenantId?: string; vendor?: string; status?: string }): Promise<ConnectionRow[]> {
    let query = this.db.selectFrom('connections').selectAll();
    if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
    if (filter.vendor !== undefined) query = query.where('vendor', '=', filter.vendor);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    return query.orderBy('created_at').orderBy('id').execute();
  }

  /** Connections the refresher keeps logged in (not disabled, not waiting for a person). */
  async listMaintained(): Promise<ConnectionRow[]> {
    return this.db
      .selectFrom('connections')
      .selectAll()
      .where('status', 'in', ['pending', 'active'])
      .orderBy('id')
      .execute();
  }

  async update(
    connectionId: string,
    patch: Updateable<Connections>,
    executor: Executor = this.db,
  ): Promise<ConnectionRow | undefined> {
    return executor
      .updateTable('connections')
      .set({ ...patch, updated_at: new Date() })
      .where('id', '=', connectionId)
      .returningAll()
      .executeTakeFirst();
  }

  /** Rows sealed under another key than `keyId` (what re-encryption works through). */
  async listSealedUnder(notKeyId: string, afterId: string, limit: number): Promise<ConnectionRow[]> {
    return this.db
      .selectFrom('connections')
      .selectAll()
      .where('key_id', 'is not', null)
      .where('key_id', '<>', notKeyId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('tenants')
      .select('id')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async upsertTenant(
    tenantId: string,
    name: string,
  ): Promise<{ id: string; name: string; created: boolean }> {
    const row = await this.db
      .insertInto('tenants')
      .values({ id: tenantId, name })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name, updated_at: new Date() }))
      .returning(['id', 'name', sql<boolean>`(xmax = 0)`.as('created')])
      .executeTakeFirstOrThrow();
    return row;
  }

  async audit(entry: {
    tenantId: string;
    action: string;
    targetId: string;
    details?: Record<string, unknown>;
  }): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        tenant_id: entry.tenantId,
        actor: 'admin-api',
        action: entry.action,
        target_type: 'connection',
        target_id: entry.targetId,
        details: entry.details === undefined ? null : JSON.stringify(entry.details),
      })
      .execute();
  }
}
