import { DATABASE, type DB, type WebhookEndpoints } from '@fieldsync/persistence';
import type { SealedSecret } from '@fieldsync/vault';
import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';

export type EndpointRow = Selectable<WebhookEndpoints>;
/** What the API may change on an endpoint. */
export type EndpointPatch = Pick<
  Updateable<WebhookEndpoints>,
  'url' | 'description' | 'event_types' | 'vendors' | 'connection_ids' | 'rate_limit_per_second' | 'ordered'
>;

export interface NewEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string | null;
  eventTypes: string[] | null;
  vendors: string[] | null;
  connectionIds: string[] | null;
  rateLimitPerSecond: number | null;
  ordered: boolean;
  secret: SealedSecret;
  disabled: boolean;
}

/** The routing view of an endpoint, for fan-out. */
export interface RoutingEndpoint {
  id: string;
  tenantId: string;
  eventTypes: string[] | null;
  vendors: string[] | null;
  connectionIds: string[] | null;
  ordered: boolean;
}

/** What delivery needs of an endpoint: where, how fast, and every secret that signs. */
export interface DeliveryEndpoint {
  id: string;
  tenantId: string;
  url: string;
  disabled: boolean;
  rateLimitPerSecond: number | null;
  /** The current secret first, then the rotated-out ones still valid. */
  secrets: SealedSecret[];
}

export type DisableReason = 'consecutive_failures' | 'manual' | 'gone';

export interface DisabledEndpoint {
  id: string;
  tenantId: string;
  failingSince: Date | null;
}

/** At most this many rotated-out secrets stay valid at once (Svix keeps 10 too). */
export const MAX_PREVIOUS_SECRETS = 10;

/** webhook_endpoints and their rotated-out secrets. Every API-facing method is scoped by tenant. */
@Injectable()
export class EndpointRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  async tenantExists(tenantId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('tenants')
      .select('id')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async create(endpoint: NewEndpoint): Promise<EndpointRow> {
    return this.db
      .insertInto('webhook_endpoints')
      .values({
        id: endpoint.id,
        tenant_id: endpoint.tenantId,
        url: endpoint.url,
        description: endpoint.description,
        event_types: endpoint.eventTypes,
        vendors: endpoint.vendors,
        connection_ids: endpoint.connectionIds,
        rate_limit_per_second: endpoint.rateLimitPerSecond,
        ordered: endpoint.ordered,
        secret_encrypted: endpoint.secret.ciphertext,
        key_id: endpoint.secret.keyId,
        disabled: endpoint.disabled,
        disabled_reason: endpoint.disabled ? 'manual' : null,
        disabled_at: endpoint.disabled ? new Date() : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async find(tenantId: string, id: string): Promise<EndpointRow | undefined> {
    return this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Oldest first (ids are ULIDs), `limit` after the id `after`. */
  async list(tenantId: string, limit: number, after?: string): Promise<EndpointRow[]> {
    let query = this.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId);
    if (after !== undefined) query = query.where('id', '>', after);
    return query.orderBy('id').limit(limit).execute();
  }

  /**
   * Applies the patch; when `ordered` changes, the endpoint's pending messages follow (they get or lose
   * their ordering key) in the same transaction.
   */
  async update(tenantId: string, id: string, patch: EndpointPatch): Promise<EndpointRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('webhook_endpoints')
        .set({ ...patch, updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined && patch.ordered !== undefined) {
        await sql`
          update webhook_messages
          set ordering_key = case when ${row.ordered} then payload::jsonb ->> 'subject' else null end
          where endpoint_id = ${id} and status = 'pending'`.execute(trx);
      }
      return row;
    });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('webhook_endpoints')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Re-enables an endpoint: its failure clock starts again. */
  async enable(tenantId: string, id: string): Promise<EndpointRow | undefined> {
    return this.db
      .updateTable('webhook_endpoints')
      .set({
        disabled: false,
        disabled_reason: null,
        disabled_at: null,
        failing_since: null,
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Disables the endpoints that are not yet disabled and returns those it disabled (so the caller emits
   * one `endpoint.disabled` each). Runs in the caller's transaction.
   */
  async disable(
    trx: Transaction<DB>,
    ids: readonly string[],
    reason: DisableReason,
    tenantId?: string,
  ): Promise<DisabledEndpoint[]> {
    if (ids.length === 0) return [];
    let query = trx
      .updateTable('webhook_endpoints')
      .set({ disabled: true, disabled_reason: reason, disabled_at: new Date(), updated_at: new Date() })
      .where('id', 'in', ids)
      .where('disabled', '=', false);
    if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
    const rows = await query.returning(['id', 'tenant_id', 'failing_since']).execute();
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, failingSince: r.failing_since }));
  }

  /**
   * Disables the endpoints among `ids` that have failed without a single success for `disableAfterMs`.
   */
  async disableLongFailing(
    trx: Transaction<DB>,
    ids: readonly string[],
    disableAfterMs: number,
  ): Promise<DisabledEndpoint[]> {
    if (ids.length === 0) return [];
    const rows = await trx
      .updateTable('webhook_endpoints')
      .set({
        disabled: true,
        disabled_reason: 'consecutive_failures',
        disabled_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', 'in', ids)
      .where('disabled', '=', false)
      .where('failing_since', '<=', new Date(Date.now() - disableAfterMs))
      .returning(['id', 'tenant_id', 'failing_since'])
      .execute();
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, failingSince: r.failing_since }));
  }

  /** A success clears the failure clock; a failure starts it unless it is running. */
  async recordHealth(
    trx: Transaction<DB>,
    succeeded: readonly string[],
    failed: ReadonlyMap<string, Date>,
  ): Promise<void> {
    if (succeeded.length > 0) {
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', 'in', succeeded)
        .where('failing_since', 'is not', null)
        .execute();
    }
    if (failed.size > 0) {
      await sql`
        update webhook_endpoints e
        set failing_since = f.failed_at
        from unnest(${[...failed.keys()]}::text[], ${[...failed.values()]}::timestamptz[]) as f(id, failed_at)
        where e.id = f.id and e.failing_since is null`.execute(trx);
    }
  }

  /** Enabled endpoints of these tenants, for fan-out. */
  async listRouting(tenantIds: readonly string[]): Promise<RoutingEndpoint[]> {
    if (tenantIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'tenant_id', 'event_types', 'vendors', 'connection_ids', 'ordered'])
      .where('tenant_id', 'in', tenantIds)
      .where('disabled', '=', false)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      eventTypes: r.event_types,
      vendors: r.vendors,
      connectionIds: r.connection_ids,
      ordered: r.ordered,
    }));
  }

  /** The endpoints of claimed messages, with every secret that currently signs. */
  async loadForDelivery(ids: readonly string[]): Promise<Map<string, DeliveryEndpoint>> {
    const result = new Map<string, DeliveryEndpoint>();
    if (ids.length === 0) return result;
    const [endpoints, previous] = await Promise.all([
      this.db
        .selectFrom('webhook_endpoints')
        .select(['id', 'tenant_id', 'url', 'disabled', 'rate_limit_per_second', 'secret_encrypted', 'key_id'])
        .where('id', 'in', ids)
        .execute(),
      this.db
        .selectFrom('webhook_endpoint_secrets')
        .select(['endpoint_id', 'secret_encrypted', 'key_id'])
        .where('endpoint_id', 'in', ids)
        .where('expires_at', '>', new Date())
        .orderBy('created_at', 'desc')
        .execute(),
    ]);
    for (const e of endpoints) {
      result.set(e.id, {
        id: e.id,
        tenantId: e.tenant_id,
        url: e.url,
        disabled: e.disabled,
        rateLimitPerSecond: e.rate_limit_per_second,
        secrets: [{ keyId: e.key_id, ciphertext: e.secret_encrypted }],
      });
    }
    for (const s of previous) {
      result.get(s.endpoint_id)?.secrets.push({ keyId: s.key_id, ciphertext: s.secret_encrypted });
    }
    return result;
  }

  /** The current secret of an endpoint (tenant-scoped). */
  async currentSecret(tenantId: string, id: string): Promise<SealedSecret | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select(['secret_encrypted', 'key_id'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { keyId: row.key_id, ciphertext: row.secret_encrypted };
  }

  /**
   * Makes `next` the signing secret; the current one keeps signing until `expiresAt`. Expired secrets are
   * dropped, and only the newest MAX_PREVIOUS_SECRETS rotated-out ones are kept.
   */
  async rotateSecret(
    tenantId: string,
    id: string,
    next: SealedSecret,
    previousId: string,
    expiresAt: Date,
  ): Promise<EndpointRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('webhook_endpoints')
        .select(['secret_encrypted', 'key_id'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (current === undefined) return undefined;
      await trx
        .insertInto('webhook_endpoint_secrets')
        .values({
          id: previousId,
          tenant_id: tenantId,
          endpoint_id: id,
          secret_encrypted: current.secret_encrypted,
          key_id: current.key_id,
          expires_at: expiresAt,
        })
        .execute();
      await sql`
        delete from webhook_endpoint_secrets
        where endpoint_id = ${id}
          and (expires_at <= now() or id not in (
            select id from webhook_endpoint_secrets where endpoint_id = ${id}
            order by created_at desc, id desc limit ${MAX_PREVIOUS_SECRETS}))`.execute(trx);
      return trx
        .updateTable('webhook_endpoints')
        .set({ secret_encrypted: next.ciphertext, key_id: next.keyId, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    });
  }
}
