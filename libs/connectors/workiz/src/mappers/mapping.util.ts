import {
  Money,
  canonicalId,
  entitySchemas,
  normalizePhoneNumber,
  type Address,
  type CanonicalEntity,
  type EntityType,
  type Phone,
} from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import { localToUtc } from './local-time.util';

/*
 * What every Workiz entity mapping (mappers/<entity>.mapper.ts) shares, under the same names as in the
 * other connectors: the record being mapped and its connection, the canonical envelope (id, vendor,
 * externalId, times, deletion), references to other records of the connection, and value conversions:
 * account-local times to UTC with the record's own zone (mappers/local-time.util.ts), dollars to exact
 * minor units (`Money.parse`, never float arithmetic).
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

/** An account-local `YYYY-MM-DD HH:MM:SS` in the record's zone, as ISO 8601 UTC. */
export const utc = (local: string, zone: string): string => localToUtc(local, zone);
/** The same, `""` or null being no time. */
export const utcOrNull = (local: string | null, zone: string): string | null =>
  local === null || local === '' ? null : utc(local, zone);

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
    vendor: 'workiz' as const,
    externalId: record.externalId,
    connectionId: ctx.connectionId,
    createdAt: times.createdAt,
    // Workiz's "last update" can precede the creation time a record shows (set by the office): never before it.
    updatedAt: Date.parse(times.updatedAt) < Date.parse(times.createdAt) ? times.createdAt : times.updatedAt,
    deletedAt: record.deleted ? times.updatedAt : null,
  };
}

/** The canonical id of another record of the connection, by the vendor's id (none: null). */
export function canonicalRef(
  scope: MappingScope,
  entity: EntityType,
  vendorId: string | number | null,
): string | null {
  return vendorId === null || vendorId === ''
    ? null
    : canonicalId(scope.ctx.connectionId, entity, String(vendorId));
}

/** The sandbox account bills in USD; Workiz's API names no currency (its amounts are US dollars). */
export const WORKIZ_CURRENCY = 'USD';

/**
 * Workiz's dollars (JSON numbers) → canonical major units through exact minor units: `19.99` → 1999 cents →
 * 19.99, never 19.990000000000002; sums are taken in minor units (`minor`, `fromMinor`).
 */
export const money = (dollars: number): number => Money.parse(dollars, WORKIZ_CURRENCY).toAmount();
/** Dollars → integer cents, exactly. */
export const minor = (dollars: number): number => Money.parse(dollars, WORKIZ_CURRENCY).amountMinor;
/** Integer cents → canonical major units. */
export const fromMinor = (cents: number): number => Money.ofMinor(cents, WORKIZ_CURRENCY).toAmount();

/** A Workiz address (street, unit, city, state, zip, country, coordinates) as a canonical one; no street → null. */
export function canonicalAddress(a: {
  street: string;
  unit: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  lat: number | null;
  lng: number | null;
}): Address | null {
  const line1 = textOrNull(a.street);
  if (line1 === null) return null;
  const country = textOrNull(a.country)?.toUpperCase() ?? null;
  return {
    line1,
    line2: textOrNull(a.unit),
    city: textOrNull(a.city),
    region: textOrNull(a.state),
    postalCode: textOrNull(a.zip),
    country: country === 'US' || country === 'USA' ? 'US' : country === 'CA' ? 'CA' : null,
    geo: a.lat === null || a.lng === null || (a.lat === 0 && a.lng === 0) ? null : { lat: a.lat, lon: a.lng },
  };
}

/** A phone as Workiz shows it (digits), with its E.164 form when it has one. */
export function canonicalPhone(number: string, type: Phone['type'], primary: boolean): Phone | null {
  const value = textOrNull(number);
  if (value === null) return null;
  return { type, number: value, e164: normalizePhoneNumber(value), extension: null, primary };
}

/** Tags as a canonical set: trimmed, empty ones out, each once. */
export const tagsOf = (tags: readonly string[]): string[] => [
  ...new Set(tags.map((t) => t.trim()).filter((t) => t !== '')),
];

/** A line kind from Workiz's item type (`Service`, `material` …). */
export function lineKind(type: string): 'service' | 'material' | 'equipment' | 'discount' | 'other' {
  const t = type.trim().toLowerCase();
  return t === 'service' || t === 'material' || t === 'equipment' || t === 'discount' ? t : 'other';
}
