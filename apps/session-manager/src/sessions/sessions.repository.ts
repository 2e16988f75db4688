import { DATABASE, type DB, type Sessions } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';

export type SessionRow = Selectable<Sessions>;
export type SessionHealth = 'healthy' | 'degraded' | 'expired' | 'invalid';
type Executor = Kysely<DB> | Transaction<DB>;

export interface StoredSessionValues {
  connectionId: string;
  tenantId: string;
  stateEncrypted: Buffer;
  deviceStateEncrypted: Buffer | null;
  keyId: string;
  userInfo: Record<string, unknown>;
  establishedAt: Date;
  expiresAt: Date;
}

/** The `sessions` table: one live vendor session per connection. One query per method, no rules. */
@Injectable()
export class SessionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  async find(connectionId: string, executor: Executor = this.db): Promise<SessionRow | undefined> {
    return executor
      .selectFrom('sessions')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .executeTakeFirst();
  }

  /** The sessions of several connections, by connection id (one query). */
  async findMany(connectionIds: readonly string[]): Promise<Map<string, SessionRow>> {
    if (connectionIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('connection_id', 'in', connectionIds)
      .execute();
    return new Map(rows.map((row) => [row.connection_id, row]));
  }

  /** Stores a fresh login: the version goes up by one, so stale invalidations miss it. */
  async store(values: StoredSessionValues, executor: Executor): Promise<SessionRow> {
    const now = new Date();
    return executor
      .insertInto('sessions')
      .values({
        connection_id: values.connectionId,
        tenant_id: values.tenantId,
        state_encrypted: values.stateEncrypted,
        device_state_encrypted: values.deviceStateEncrypted,
        key_id: values.keyId,
        user_info: JSON.stringify(values.userInfo),
        established_at: values.establishedAt,
        expires_at: values.expiresAt,
        health: 'healthy',
        last_checked_at: now,
        last_refreshed_at: now,
        invalidated_reason: null,
      })
      .onConflict((oc) =>
        oc.column('connection_id').doUpdateSet((eb) => ({
          state_encrypted: eb.ref('excluded.state_encrypted'),
          device_state_encrypted: eb.ref('excluded.device_state_encrypted'),
          key_id: eb.ref('excluded.key_id'),
          user_info: eb.ref('excluded.user_info'),
          established_at: eb.ref('excluded.established_at'),
          expires_at: eb.ref('excluded.expires_at'),
          health: 'healthy',
          last_checked_at: now,
          last_refreshed_at: now,
          invalidated_reason: null,
          version: sql<number>`sessions.version + 1`,
          updated_at: now,
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Records a health check of the given version (no-op when a newer login replaced it). */
  async recordCheck(
    connectionId: string,
    version: number,
    health: SessionHealth,
    reason?: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({
        health,
        last_checked_at: new Date(),
        updated_at: new Date(),
        ...(reason === undefined ? {} : { invalidated_reason: reason }),
      })
      .where('connection_id', '=', connectionId)
      .where('version', '=', version)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Marks the session unusable (a consumer saw 401, or an operator asked). With `version`, only that
   * session: a report about a session already replaced does not throw away the new one.
   */
  async invalidate(
    connectionId: string,
    health: 'expired' | 'invalid',
    reason: string,
    version: number | undefined,
    executor: Executor = this.db,
  ): Promise<SessionRow | undefined> {
    let query = executor
      .updateTable('sessions')
      .set({ health, invalidated_reason: reason, updated_at: new Date() })
      .where('connection_id', '=', connectionId)
      .where('health', 'in', ['healthy', 'degraded']);
    if (version !== undefined) query = query.where('version', '=', version);
    return query.returningAll().executeTakeFirst();
  }

  /**
   * The vendor no longer holds this session (fieldsync logged it out): reason `released`, and a usable
   * row becomes `invalid`. Only that version; resolves to whether the row was updated.
   */
  async markReleased(connectionId: string, version: number, executor: Executor = this.db): Promise<boolean> {
    const result = await executor
      .updateTable('sessions')
      .set((eb) => ({
        health: eb
          .case()
          .when('health', 'in', ['healthy', 'degraded'])
          .then('invalid')
          .else(eb.ref('health'))
          .end(),
        invalidated_reason: 'released',
        updated_at: new Date(),
      }))
      .where('connection_id', '=', connectionId)
      .where('version', '=', version)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Sessions that are healthy or degraded and not past their expiry, of connections of these vendors:
   * what those vendors hold for us.
   */
  async listLive(vendors: readonly string[]): Promise<SessionRow[]> {
    if (vendors.length === 0) return [];
    return this.db
      .selectFrom('sessions')
      .innerJoin('connections', 'connections.id', 'sessions.connection_id')
      .selectAll('sessions')
      .where('connections.vendor', 'in', vendors)
      .where('sessions.health', 'in', ['healthy', 'degraded'])
      .where('sessions.expires_at', '>', new Date())
      .orderBy('sessions.connection_id')
      .execute();
  }

  async countActive(): Promise<number> {
    const row = await this.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('health', 'in', ['healthy', 'degraded'])
      .where('expires_at', '>', new Date())
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listSealedUnder(notKeyId: string, afterConnectionId: string, limit: number): Promise<SessionRow[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('key_id', '<>', notKeyId)
      .where('connection_id', '>', afterConnectionId)
      .orderBy('connection_id')
      .limit(limit)
      .execute();
  }

  async reseal(
    connectionId: string,
    fromKeyId: string,
    values: { keyId: string; stateEncrypted: Buffer; deviceStateEncrypted: Buffer | null },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({
        key_id: values.keyId,
        state_encrypted: values.stateEncrypted,
        device_state_encrypted: values.deviceStateEncrypted,
      })
      .where('connection_id', '=', connectionId)
      .where('key_id', '=', fromKeyId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Serialises logins of one connection across every replica: a transaction-scoped advisory lock,
   * released at commit, rollback or when the holder's connection dies.
   */
  async lockConnection(trx: Transaction<DB>, connectionId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('fieldsync.session'), hashtext(${connectionId}))`.execute(
      trx,
    );
  }

  /** The same lock without waiting: false when a login of the connection holds it right now. */
  async tryLockConnection(trx: Transaction<DB>, connectionId: string): Promise<boolean> {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext('fieldsync.session'), hashtext(${connectionId})) as locked`.execute(
      trx,
    );
    return rows[0]?.locked === true;
  }
}
