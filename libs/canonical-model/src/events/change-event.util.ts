import { Vendor } from '../common/vendor.schema';
import { CanonicalEntity } from '../entities/entity-registry.schema';
import { parseCanonicalId } from '../ids/canonical-id.util';
import { EntityType } from '../ids/entity-type.schema';
import { newEventId } from '../ids/ulid-id.util';
import { ChangeEvent, changeEventSchema, eventSource } from './change-event.schema';
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
  readonly id?: string;
  /** Defaults to now. */
  readonly time?: string;
}

/**
 * Builds and validates a change event (throws a ZodError naming the field if anything is inconsistent).
 * Returns undefined when nothing meaningful changed (only `updatedAt` moved, see diffEntities): the
 * extractor then writes no outbox row.
 */
export function buildChangeEvent(input: BuildChangeEventInput): ChangeEvent | undefined {
  const parsedId = parseCanonicalId(input.after.id);
  if (!parsedId) throw new RangeError(`after.id ${JSON.stringify(input.after.id)} is not a canonical id`);
  const entity = parsedId.entity;
  if (input.before !== null && input.before.id !== input.after.id) {
    throw new RangeError(`before.id ${input.before.id} and after.id ${input.after.id} differ`);
  }
  let type: EntityEventType;
  let previous: Record<string, unknown> | null = null;
  let changedFields: string[] = [];
  if (input.deleted) {
    type = `${entity}.deleted`;
  } else {
    type = deriveChangeEventType(entity, input.before, input.after);
    if (input.before !== null && !type.endsWith('.deleted')) {
      const diff = diffEntities(input.before, input.after);
      if (diff.changedFields.length === 0) return undefined;
      previous = diff.previous;
      changedFields = diff.changedFields;
    }
  }
  return changeEventSchema.parse({
    specversion: '1.0',
    id: input.id ?? newEventId(),
    source: eventSource(input.vendor, input.connectionId),
    type,
    subject: input.after.id,
    time: input.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    tenantid: input.tenantId,
    connectionid: input.connectionId,
    vendor: input.vendor,
    sequence: formatSequence(input.sequence),
    data: { object: input.after, previous, changedFields },
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
