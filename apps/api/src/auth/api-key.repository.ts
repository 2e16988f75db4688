import type { DB } from '@fieldsync/persistence';
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeys } from '@fieldsync/persistence';

export type ApiKeyRow = Selectable<ApiKeys>;

export interface NewApiKeyRow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly prefix: string;
  readonly keyHash: Buffer;
  readonly scopes: readonly string[];
  readonly expiresAt: Date | null;
  readonly createdBy: string;
}

/** api_keys: one query per method; every method on a tenant's keys takes the tenant. */
export class ApiKeyRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(key: NewApiKeyRow): Promise<ApiKeyRow> {
    return this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        tenant_id: key.tenantId,
        name: key.name,
        prefix: key.prefix,
        key_hash: key.keyHash,
        scopes: [...key.scopes],
        expires_at: key.expiresAt,
        created_by: key.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The key with this public prefix, whatever its tenant (authentication looks it up before knowing one). */
  async findByPrefix(prefix: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  }

  async list(tenantId: string): Promise<ApiKeyRow[]> {
    return this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** Revokes the tenant's key (idempotent: an already revoked key keeps its first revocation). */
  async revoke(tenantId: string, id: string, revokedBy: string): Promise<ApiKeyRow | undefined> {
    return this.db
      .updateTable('api_keys')
      .set((eb) => ({
        revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now', [])),
        revoked_by: eb.fn.coalesce('revoked_by', eb.val(revokedBy)),
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async touch(id: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', id).execute();
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('tenants')
      .select('id')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
