import { Inject, Injectable } from '@nestjs/common';
import { Insertable, Kysely, Selectable } from 'kysely';
import type { DB, Tenants } from '../generated/db.types';
import { DATABASE } from '../persistence.constants';

export type TenantRow = Selectable<Tenants>;
export type NewTenant = Pick<Insertable<Tenants>, 'id' | 'name'>;
export type TenantStatus = 'active' | 'suspended';

@Injectable()
export class TenantRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  async create(tenant: NewTenant): Promise<TenantRow> {
    return this.db.insertInto('tenants').values(tenant).returningAll().executeTakeFirstOrThrow();
  }

  async findById(tenantId: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
  }

  /** Returns false when the tenant does not exist. */
  async updateStatus(tenantId: string, status: TenantStatus): Promise<boolean> {
    const result = await this.db
      .updateTable('tenants')
      .set({ status, updated_at: new Date() })
      .where('id', '=', tenantId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
}
