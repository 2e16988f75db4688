import type { ApiIdempotencyKeys, DB } from '@fieldsync/persistence';
import { sql, type Kysely, type Selectable } from 'kysely';

export type ApiIdempotencyRow = Selectable<ApiIdempotencyKeys>;

export interface NewIdempotencyClaim {
  readonly tenantId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly method: string;
  readonly path: string;
  readonly commandId: string;
  readonly connectionId: string;
  readonly actor: string;
  readonly ttlHours: number;
}

/** api_idempotency_keys: one query per method, every one scoped to the tenant. */
export class ApiIdempotencyRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Claims the key for this request (an expired row of the key is replaced). Returns the claim, or the
   * live row that already holds the key.
   */
  async claim(
    claim: NewIdempotencyClaim,
  ): Promise<{ claimed: true } | { claimed: false; row: ApiIdempotencyRow }> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('api_idempotency_keys')
        .where('tenant_id', '=', claim.tenantId)
        .where('key', '=', claim.key)
        .where('expires_at', '<=', sql<Date>`now()`)
        .execute();
      const inserted = await trx
        .insertInto('api_idempotency_keys')
        .values({
          tenant_id: claim.tenantId,
          key: claim.key,
          fingerprint: claim.fingerprint,
          method: claim.method,
          path: claim.path,
          command_id: claim.commandId,
          connection_id: claim.connectionId,
          actor: claim.actor,
          expires_at: sql<Date>`now() + make_interval(hours => ${claim.ttlHours})`,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { claimed: true as const };
      const row = await trx
        .selectFrom('api_idempotency_keys')
        .selectAll()
        .where('tenant_id', '=', claim.tenantId)
        .where('key', '=', claim.key)
        .executeTakeFirstOrThrow();
      return { claimed: false as const, row };
    });
  }

  async complete(tenantId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db
      .updateTable('api_idempotency_keys')
      .set({
        state: 'completed',
        response_status: status,
        response_body: JSON.stringify(body),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .execute();
  }

  /** Frees the key (a retriable failure is never stored: the same key may try again). */
  async release(tenantId: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('api_idempotency_keys')
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .where('state', '=', 'in_flight')
      .execute();
  }

  async findByCommand(tenantId: string, commandId: string): Promise<ApiIdempotencyRow | undefined> {
    return this.db
      .selectFrom('api_idempotency_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('command_id', '=', commandId)
      .executeTakeFirst();
  }
}
