import {
  Money,
  canonicalId,
  entitySchemas,
  normalizeTimestamp,
  type Address,
  type CanonicalEntity,
  type EntityType,
} from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import type { z } from 'zod';

/*
 * What every Jobber entity mapping (mappers/<entity>.mapper.ts) shares: the record being mapped and its
 * connection, the canonical envelope (id, vendor, externalId, times), references to other records of the
 * connection, and the value conversions (money, times, text, addresses, tags).
 */

/** The sandbox account bills in USD, and Jobber's API does not name the account currency. */
export const JOBBER_CURRENCY = 'USD';
/** The stand-in time of objects Jobber gives no timestamps (a changing read time would look like a change). */
export const EPOCH = '1970-01-01T00:00:00Z';

/** The record the mapper is given, as the readers (and the write side's read-backs) yield it. */
export type WireRecord = Parameters<RecordMapper['toCanonical']>[0];
export type MapContext = Parameters<RecordMapper['toCanonical']>[1];

/** One record being mapped: the record and its connection. */
export interface MappingScope {
  readonly record: WireRecord;
  readonly ctx: MapContext;
}

/** Country names Jobber writes → ISO 3166-1 alpha-2; anything else is kept out (null) rather than guessed. */
const COUNTRY_CODES: Readonly<Record<string, string>> = {
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  us: 'US',
  canada: 'CA',
  ca: 'CA',
  'united kingdom': 'GB',
  uk: 'GB',
  gb: 'GB',
  australia: 'AU',
  au: 'AU',
};

interface JobberAddress {
  readonly street: string | null;
  readonly street1: string | null;
  readonly street2: string | null;
  readonly city: string | null;
  readonly province: string | null;
  readonly postalCode: string | null;
  readonly country: string | null;
}

/** Parses the record's raw payload with the wire schema; one that does not fit is a reader bug (drift is caught there). */
export function wirePayload<T extends z.ZodType>(schema: T, record: WireRecord): z.infer<T> {
  const parsed = schema.safeParse(record.raw);
  if (!parsed.success) {
    throw new Error(
      `Jobber ${record.entity} record does not fit its wire schema: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/** Canonical parse: the object as the schema outputs it, or a ZodError naming every bad field. */
export function canonical<E extends EntityType>(entity: E, value: unknown): CanonicalEntity {
  return entitySchemas[entity].parse(value);
}

export const utc = (value: string): string => normalizeTimestamp(value);
export const utcOrNull = (value: string | null): string | null => (value === null ? null : utc(value));
/** Jobber's Float dollars → `Money.parse` (half-up to cents) → canonical major units. */
export const money = (dollars: number): number => Money.parse(dollars, JOBBER_CURRENCY).toAmount();
export const textOrNull = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};
/** Jobber's tag labels as a canonical tag set: trimmed, empty ones left out, each once. */
export const tagsOf = (tags: readonly { label: string }[]): string[] => [
  ...new Set(tags.map((t) => t.label.trim()).filter((label) => label !== '')),
];
/** The calendar date as Jobber shows it: the local date of an ISO date-time with offset. */
export const localDate = (value: string | null): string | null =>
  value === null ? null : value.slice(0, 10);

export function canonicalAddress(
  a: JobberAddress | null,
  coordinates: { latitude: number; longitude: number } | null = null,
): Address | null {
  const line1 = textOrNull(a?.street1) ?? textOrNull(a?.street);
  if (a === null || line1 === null) return null;
  return {
    line1,
    line2: textOrNull(a.street2),
    city: textOrNull(a.city),
    region: textOrNull(a.province),
    postalCode: textOrNull(a.postalCode),
    country: COUNTRY_CODES[(a.country ?? '').trim().toLowerCase()] ?? null,
    geo: coordinates ? { lat: coordinates.latitude, lon: coordinates.longitude } : null,
  };
}

/**
 * The fields every canonical object has, ids from the payload's own gid (base64, kept as externalId).
 * The Jobber streams signal no deletes, so `deletedAt` stays null.
 */
export function canonicalBase<E extends EntityType>(
  entity: E,
  externalId: string,
  scope: MappingScope,
  times: { createdAt: string; updatedAt: string },
) {
  return {
    id: canonicalId(scope.ctx.connectionId, entity, externalId),
    vendor: 'jobber' as const,
    externalId,
    connectionId: scope.ctx.connectionId,
    createdAt: times.createdAt,
    updatedAt: times.updatedAt,
    deletedAt: null,
  };
}

/** The canonical id of another record of the connection, by its gid. */
export function canonicalRef(scope: MappingScope, entity: EntityType, externalId: string): string {
  return canonicalId(scope.ctx.connectionId, entity, externalId);
}
