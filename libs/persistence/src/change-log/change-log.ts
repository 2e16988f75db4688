import {
  buildChangeEvent,
  describeChange,
  operationalEventSchema,
  formatSequence,
  stringifyEventPayload,
  type EntityType,
  type OperationalEvent,
  type Vendor,
} from '@fieldsync/canonical-model';
import { eventSubject } from '@fieldsync/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  CanonicalStoreRepository,
  type MappedRecord,
  type StoreChange,
  type StoreScope,
} from '../canonical-store/canonical-store.repository';
import { ENTITY_TABLES } from '../canonical-store/entity-tables.constants';
import type { DB } from '../generated/db.types';
import { DATABASE } from '../persistence.constants';
import { ChangeEventRepository, type ChangeEventInsert } from '../repositories/change-event.repository';
import { SyncCursorRepository } from '../repositories/sync-cursor.repository';

/**
 * The subject's vendor token of events that belong to no vendor: the webhook dispatcher's
 * `fsm.events.<tenant>.fieldsync.endpoint.disabled` and `….fieldsync.message.attempt_exhausted`.
 */
export const PLATFORM_EVENT_VENDOR = 'fieldsync';

/** Whose records a `record` call stores. */
export interface ChangeScope {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  /** Event times and the `deletedAt` of tombstones. */
  readonly now: Date;
}

export interface RecordOptions {
  /**
   * The reconciliation generation stamped on every row the call touches or sees: the pass's own, or
   * `ahead` of every stream of the connection (a write no pass in progress can have seen).
   */
  readonly generation: number | 'ahead';
  /**
   * Entities another stream reconciles, with that stream's name: their rows are stamped with the owner's
   * generation instead (Jobber's clients carry properties, which the properties stream reconciles).
   */
  readonly owners?: ReadonlyMap<EntityType, string>;
  /** Records read but not stored (quarantined drift): their stored rows count as seen by the pass. */
  readonly seen?: readonly { readonly entity: EntityType; readonly externalId: string | null }[];
  /** A reconciliation pass completed: tombstone these entities' rows it did not see. */
  readonly tombstoneUnseen?: readonly EntityType[];
}

export interface RecordedChanges {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Rows a completed pass tombstoned. */
  readonly tombstoned: number;
  /** Change events appended. */
  readonly events: number;
}

/**
 * The one door to the canonical store and the outbox (DESIGN "State"). In the caller's transaction:
 *
 *   record:   lock the connection → upsert by content hash → one event per real change → the
 *             connection's next sequences → append to `change_events` → notify the relay;
 *   announce: operational events (session, connection, drift, webhook endpoint and message events) →
 *             their scope's next sequences (the connection's, or the tenant's for tenant-scoped ones)
 *             → append → notify.
 *
 * Sequences are allocated in the transaction, under the scope's counter row lock, so each scope's events
 * carry a gap-free sequence in commit order and the relay publishes them in that order. The extractor,
 * the writer, the session manager and the webhook dispatcher all write events here and nowhere else.
 */
@Injectable()
export class ChangeLog {
  private readonly store = new CanonicalStoreRepository();
  private readonly events: ChangeEventRepository;
  private readonly cursors: SyncCursorRepository;

  constructor(@Inject(DATABASE) db: Kysely<DB>) {
    this.events = new ChangeEventRepository(db);
    this.cursors = new SyncCursorRepository(db);
  }

  /** Stores a connection's mapped records and appends the events of what really changed. */
  async record(
    trx: Transaction<DB>,
    scope: ChangeScope,
    records: readonly MappedRecord[],
    options: RecordOptions,
  ): Promise<RecordedChanges> {
    // One writer of a connection's rows at a time (the extractor's pages, the writer's commands):
    // before-images and sequences stay consistent when two of them touch the same record.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`fieldsync.extractor:${scope.connectionId}`}, 0))`.execute(
      trx,
    );
    const storeScope: StoreScope = {
      tenantId: scope.tenantId,
      connectionId: scope.connectionId,
      vendor: scope.vendor,
      generation:
        options.generation === 'ahead'
          ? await this.cursors.generationAhead(trx, scope.connectionId)
          : options.generation,
      generationOf: await this.ownerGenerations(trx, scope.connectionId, options.owners),
      now: scope.now,
    };
    const page = await this.store.upsertPage(trx, storeScope, records);
    const changes: StoreChange[] = [...page.changes];
    if (options.seen && options.seen.length > 0) await this.store.markSeen(trx, storeScope, options.seen);
    let tombstoned = 0;
    for (const entity of options.tombstoneUnseen ?? []) {
      if (!ENTITY_TABLES[entity]) continue;
      const gone = await this.store.tombstoneUnseen(trx, storeScope, entity);
      tombstoned += gone.length;
      changes.push(...gone);
    }
    const announced = changes.flatMap((c) => {
      const change = describeChange(c.before, c.after, c.deleted);
      return change === undefined ? [] : [{ ...c, change }];
    });
    await this.append(
      trx,
      scope.tenantId,
      scope.connectionId,
      announced,
      ({ before, after, deleted, change }, sequence) => {
        const event = buildChangeEvent({
          tenantId: scope.tenantId,
          connectionId: scope.connectionId,
          vendor: scope.vendor,
          sequence,
          before,
          after,
          deleted,
          change,
          time: scope.now.toISOString(),
          // The records were validated against their entity's schema when mapped (connector-kit's
          // mapVendorRecord), tombstones are stored documents: the object's schema is not run again.
          objectValidated: true,
        });
        if (!event) throw new Error(`no event for a described change of ${after.id}`);
        return event;
      },
    );
    return {
      created: page.created,
      updated: page.updated,
      deleted: page.deleted,
      unchanged: page.unchanged,
      tombstoned,
      events: announced.length,
    };
  }

  /**
   * Appends operational events, each numbered in its scope (its `connectionid`, or its tenant when it
   * has none), in the given order. Returns their ids.
   */
  async announce(trx: Transaction<DB>, events: readonly OperationalEvent[]): Promise<string[]> {
    const scopes = new Map<
      string,
      { tenantId: string; connectionId: string | null; events: OperationalEvent[] }
    >();
    for (const event of events) {
      const connectionId = 'connectionid' in event ? event.connectionid : null;
      const key = `${event.tenantid}/${connectionId ?? ''}`;
      const group = scopes.get(key) ?? { tenantId: event.tenantid, connectionId, events: [] };
      group.events.push(event);
      scopes.set(key, group);
    }
    for (const group of scopes.values()) {
      await this.append(trx, group.tenantId, group.connectionId, group.events, (event, sequence) =>
        operationalEventSchema.parse({ ...event, sequence: formatSequence(sequence) }),
      );
    }
    return events.map((e) => e.id);
  }

  /** Allocates a sequence of the scope for each item, builds its event with it, appends, notifies. */
  private async append<T>(
    trx: Transaction<DB>,
    tenantId: string,
    connectionId: string | null,
    items: readonly T[],
    build: (item: T, sequence: bigint) => { id: string; type: string; subject: string; vendor?: string },
  ): Promise<void> {
    if (items.length === 0) return;
    const first = await this.events.allocate(trx, tenantId, connectionId, items.length);
    const rows: ChangeEventInsert[] = [];
    for (const [index, item] of items.entries()) {
      const sequence = first + BigInt(index);
      const event = build(item, sequence);
      const dot = event.type.indexOf('.');
      const entity = event.type.slice(0, dot);
      rows.push({
        id: event.id,
        tenantId,
        connectionId,
        sequence: sequence.toString(),
        // A subject token holds no dot: `message.attempt.exhausted` travels as `message.attempt_exhausted`.
        subject: eventSubject({
          tenantId,
          vendor: event.vendor ?? PLATFORM_EVENT_VENDOR,
          entity,
          action: event.type.slice(dot + 1).replaceAll('.', '_'),
        }),
        type: event.type,
        entityType: entity,
        entityId: event.subject,
        // The exact wire text (money to its currency's decimals): the relay publishes it as is.
        payload: stringifyEventPayload(event),
      });
    }
    await this.events.insert(trx, rows);
    await this.events.notify(trx, connectionId ?? tenantId);
  }

  /** For each entity another stream reconciles, that stream's current generation. */
  private async ownerGenerations(
    trx: Transaction<DB>,
    connectionId: string,
    owners: ReadonlyMap<EntityType, string> | undefined,
  ): Promise<Map<EntityType, number> | undefined> {
    if (!owners || owners.size === 0) return undefined;
    const generations = await this.cursors.generations(trx, connectionId, [...new Set(owners.values())]);
    return new Map([...owners].map(([entity, stream]) => [entity, generations.get(stream) ?? 0]));
  }
}
