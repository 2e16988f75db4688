import { Vendor } from '../common/vendor.schema';
import { CanonicalEntity } from '../entities/entity-registry.schema';
import { parseCanonicalId } from '../ids/canonical-id.util';
import { EntityType } from '../ids/entity-type.schema';
import { newEventId } from '../ids/ulid-id.util';
import {
  ChangeEvent,
  changeEventOfValidObjectSchema,
  changeEventSchema,
  eventSource,
} from './change-event.schema';
import { diffEntities } from './entity-diff.util';
import { EntityEventType, STATUS_EVENT_TYPES, StatusEventType } from './event-type.schema';
import { formatSequence } from './sequence.util';
import { isSupportedCurrency } from '../money/currency.constants';
import { stringifyCanonical } from '../money/canonical-json.util';

/** Status value → the specific event type it emits (checked before the generic `<entity>.status_changed`). */
const STATUS_REACHED_EVENTS: Partial<Record<EntityType, Record<string, StatusEventType>>> = {
  estimate: { approved: 'estimate.approved', converted: 'estimate.converted' },
  invoice: { paid: 'invoice.paid', void: 'invoice.voided' },
  payment: { captured: 'payment.captured', refunded: 'payment.refunded' },
  lead: { converted: 'lead.converted' },
};

const STATUS_CHANGED = new Set<string>(STATUS_EVENT_TYPES.filter((type) => type.endsWith('.status_changed')));

function statusOf(object: object | null): unknown {
  return object === null ? undefined : (object as Record<string, unknown>)['status'];
}

function deletedAtOf(object: object | null): unknown {
  return object === null ? null : (object as Record<string, unknown>)['deletedAt'];
}

/**
 * The single, most specific event type for a change of one entity:
 * no `before` → `created`; `deletedAt` newly set → `deleted`; status moved to a milestone
 * (invoice paid/void, payment captured/refunded, estimate approved/converted, lead converted) → that
 * milestone; any other status move of an entity with a status lifecycle → `<entity>.status_changed`;
 * otherwise `updated`.
 */
export function deriveChangeEventType(
  entity: EntityType,
  before: object | null,
  after: object,
): EntityEventType {
  if (before === null) return `${entity}.created`;
  if (deletedAtOf(after) !== null && deletedAtOf(before) === null) return `${entity}.deleted`;
  const status = statusOf(after);
  if (status !== statusOf(before) && typeof status === 'string') {
    const milestone = STATUS_REACHED_EVENTS[entity]?.[status];
    if (milestone) return milestone;
    const generic = `${entity}.status_changed`;
    if (STATUS_CHANGED.has(generic)) return generic as EntityEventType;
  }
  return `${entity}.updated`;
}

/** What a change of one entity announces: its event type and, for an update, the changed fields. */
export interface DescribedChange {
  readonly type: EntityEventType;
  /** The changed fields' values before (null for created and deleted). */
  readonly previous: Record<string, unknown> | null;
  readonly changedFields: string[];
}

/**
 * The event a change of one entity announces, or undefined when nothing meaningful changed (only
 * `updatedAt` moved, see diffEntities). `deleted`: the vendor hard-deleted the record (no tombstone), so
 * `<entity>.deleted` with `after` as the last known object. Throws when `before` and `after` are not the
 * same entity.
 */
export function describeChange(
  before: CanonicalEntity | null,
  after: CanonicalEntity,
  deleted = false,
): DescribedChange | undefined {
  const parsedId = parseCanonicalId(after.id);
  if (!parsedId) throw new RangeError(`after.id ${JSON.stringify(after.id)} is not a canonical id`);
  const entity = parsedId.entity;
  if (before !== null && before.id !== after.id) {
    throw new RangeError(`before.id ${before.id} and after.id ${after.id} differ`);
  }
  if (deleted) return { type: `${entity}.deleted`, previous: null, changedFields: [] };
  const type = deriveChangeEventType(entity, before, after);
  if (before === null || type.endsWith('.deleted')) return { type, previous: null, changedFields: [] };
  const diff = diffEntities(before, after);
  if (diff.changedFields.length === 0) return undefined;
  return { type, previous: diff.previous, changedFields: diff.changedFields };
}

export interface BuildChangeEventInput {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  /** Per-connection sequence number (positive integer), formatted by `formatSequence`. */
  readonly sequence: number | bigint;
  /** The canonical object before the change; null when it is new. */
  readonly before: CanonicalEntity | null;
  /** The canonical object after the change; for a hard delete, the last known object with `deleted: true`. */
  readonly after: CanonicalEntity;
  /** Set when the vendor hard-deleted the record (no tombstone): emits `<entity>.deleted` with `after` as last known. */
  readonly deleted?: boolean;
  /** The change as `describeChange` found it (spares computing the diff twice). */
  readonly change?: DescribedChange;
  readonly id?: string;
  /** Defaults to now. */
  readonly time?: string;
  /**
   * `after` (and `before`) were validated against the entity's schema already (the change log's records
   * were, when mapped or stored): the event's envelope is checked, the object's schema is not run again.
   */
  readonly objectValidated?: boolean;
}

/**
 * Builds and validates a change event (throws a ZodError naming the field if anything is inconsistent).
 * Returns undefined when nothing meaningful changed (describeChange): no event is written.
 */
export function buildChangeEvent(input: BuildChangeEventInput): ChangeEvent | undefined {
  const change = input.change ?? describeChange(input.before, input.after, input.deleted);
  if (change === undefined) return undefined;
  return (input.objectValidated ? changeEventOfValidObjectSchema : changeEventSchema).parse({
    specversion: '1.0',
    id: input.id ?? newEventId(),
    source: eventSource(input.vendor, input.connectionId),
    type: change.type,
    subject: input.after.id,
    time: input.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    tenantid: input.tenantId,
    connectionid: input.connectionId,
    vendor: input.vendor,
    sequence: formatSequence(input.sequence),
    data: { object: input.after, previous: change.previous, changedFields: change.changedFields },
  });
}

/**
 * The wire text of an event (change or operational): stringifyCanonical, with the money fields of
 * `data.previous` (which holds only the changed fields, usually without `currency`) written in the
 * currency of `data.object`. This is the text the outbox stores and the relay publishes unchanged.
 */
export function stringifyEventPayload(event: unknown): string {
  const data = (event as { data?: { object?: { currency?: unknown } } } | null)?.data;
  const currency = data?.object?.currency;
  return stringifyCanonical(
    event,
    typeof currency === 'string' && isSupportedCurrency(currency) ? { currency } : {},
  );
}
