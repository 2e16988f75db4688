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
 * What every Housecall Pro entity mapping (mappers/<entity>.mapper.ts) shares, under the same names as in
 * the other connectors: the record being mapped and its connection, the canonical envelope (id, vendor,
 * externalId, times, deletion), references to other records of the connection, and value conversions.
 * Money goes through `Money.parse(value, currency).toAmount()` (exact to the minor unit) once the
 * vendor's currency is known; add the vendor's own conversions (addresses, custom fields) here.
 */

/** The record the mapper is given, as the readers (and the write side's read-backs) yield it. */
export type WireRecord = Parameters<RecordMapper['toCanonical']>[0];
export type MapContext = Parameters<RecordMapper['toCanonical']>[1];

/** One record being mapped: the record and its connection. */
export interface MappingScope {
  readonly record: WireRecord;
  readonly ctx: MapContext;
}

/** The record's raw payload parsed with its wire schema (a ZodError naming every field that does not fit). */
export function wirePayload<S extends z.ZodType>(schema: S, record: WireRecord): z.infer<S> {
  return schema.parse(record.raw);
}

/** Canonical parse: the object as the schema outputs it, or a ZodError naming every bad field. */
export function canonical<E extends EntityType>(entity: E, value: unknown): CanonicalEntity {
  return entitySchemas[entity].parse(value);
}

/** A vendor time (with its offset) in UTC. */
export const utc = (value: string): string => normalizeTimestamp(value);
export const utcOrNull = (value: string | null): string | null => (value === null ? null : utc(value));
export const textOrNull = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/** The fields every canonical object has: ids of the connection, times, and `deletedAt` for a deleted record. */
export function canonicalBase<E extends EntityType>(
  entity: E,
  scope: MappingScope,
  times: { createdAt: string; updatedAt: string },
) {
  const { record, ctx } = scope;
  return {
    id: canonicalId(ctx.connectionId, entity, record.externalId),
    vendor: 'housecallpro' as const,
    externalId: record.externalId,
    connectionId: ctx.connectionId,
    createdAt: times.createdAt,
    updatedAt: times.updatedAt,
    deletedAt: record.deleted ? times.updatedAt : null,
  };
}

/** The canonical id of another record of the connection, by the vendor's id (none: null). */
export function canonicalRef(
  scope: MappingScope,
  entity: EntityType,
  vendorId: string | number | null,
): string | null {
  return vendorId === null ? null : canonicalId(scope.ctx.connectionId, entity, String(vendorId));
}

/** The sandbox account bills in USD; Housecall Pro's API names no currency (its amounts are US cents). */
export const HOUSECALLPRO_CURRENCY = 'USD';

/**
 * Housecall Pro's integer cents → canonical major units, exactly (`Money.ofMinor`): 12345 → 123.45, never
 * 12345.00 (the 100× error of reading cents as dollars, vendors.md §6 item 7).
 */
export const money = (cents: number): number => Money.ofMinor(cents, HOUSECALLPRO_CURRENCY).toAmount();

/** Country as Housecall Pro writes it (`US`, `USA`, `United States`) → ISO 3166-1 alpha-2, else null. */
const COUNTRY_CODES: Readonly<Record<string, string>> = {
  us: 'US',
  usa: 'US',
  'united states': 'US',
  'united states of america': 'US',
  ca: 'CA',
  canada: 'CA',
};

export function canonicalAddress(a: {
  street: string | null;
  street_line_2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
}): Address | null {
  const line1 = textOrNull(a.street);
  if (line1 === null) return null;
  return {
    line1,
    line2: textOrNull(a.street_line_2),
    city: textOrNull(a.city),
    region: textOrNull(a.state),
    postalCode: textOrNull(a.zip),
    country: COUNTRY_CODES[(a.country ?? '').trim().toLowerCase()] ?? null,
    geo: null,
  };
}

/** Tags as a canonical set: trimmed, empty ones out, each once. */
export const tagsOf = (tags: readonly string[]): string[] => [
  ...new Set(tags.map((t) => t.trim()).filter((t) => t !== '')),
];
