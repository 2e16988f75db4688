import {
  Money,
  canonicalId,
  entitySchemas,
  normalizeTimestamp,
  type Address,
  type CanonicalEntity,
  type CurrencyCode,
  type EntityType,
} from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import type { ServiceTitanCrmCustomField, servicetitanAddressSchema } from '../servicetitan.schemas';

/*
 * What every ServiceTitan entity mapping (mappers/<entity>.mapper.ts) shares: the record being mapped and
 * its connection, the canonical envelope (id, vendor, externalId, times, deletion), references to other
 * records of the connection, and the value conversions (money, times, text, addresses, custom fields).
 */

/** The currency of the connector's tenants: ServiceTitan amounts carry none (the sandbox's tenant bills in USD). */
export const SERVICETITAN_CURRENCY: CurrencyCode = 'USD';

/** The record the mapper is given, as the readers (and the write side's read-backs) yield it. */
export type WireRecord = Parameters<RecordMapper['toCanonical']>[0];
export type MapContext = Parameters<RecordMapper['toCanonical']>[1];

/** One record being mapped: the record, its connection, and the tenant's currency. */
export interface MappingScope {
  readonly record: WireRecord;
  readonly ctx: MapContext;
  readonly currency: CurrencyCode;
}

/** ISO 3166-1 alpha-3 codes ServiceTitan tenants use, to the canonical alpha-2. */
const COUNTRY_ALPHA2: Readonly<Record<string, string>> = { USA: 'US', US: 'US', CAN: 'CA', CA: 'CA' };

/** The record's raw payload parsed with its wire schema (a ZodError when it does not fit). */
export function wirePayload<S extends z.ZodType>(schema: S, record: WireRecord): z.infer<S> {
  return schema.parse(record.raw);
}

/** Canonical parse: the object as the schema outputs it, or a ZodError naming every bad field. */
export function canonical<E extends EntityType>(entity: E, value: unknown): CanonicalEntity {
  return entitySchemas[entity].parse(value);
}

export function utc(value: string): string {
  return normalizeTimestamp(value);
}

export function utcOrNull(value: string | null): string | null {
  return value === null ? null : utc(value);
}

/** The UTC calendar date of an instant (`2024-03-02T17:50:00Z` → `2024-03-02`). */
export function dateOf(value: string | null): string | null {
  return value === null ? null : utc(value).slice(0, 10);
}

export function textOrNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Vendor decimal (string or dollars) → canonical amount, exact to the currency's minor unit. */
export function money(value: string | number, scope: MappingScope): number {
  return Money.parse(value, scope.currency).toAmount();
}

export function canonicalAddress(a: z.infer<typeof servicetitanAddressSchema>): Address | null {
  const line1 = textOrNull(a.street);
  if (line1 === null) return null;
  const country = textOrNull(a.country);
  return {
    line1,
    line2: textOrNull(a.unit),
    city: textOrNull(a.city),
    region: textOrNull(a.state),
    postalCode: textOrNull(a.zip),
    country: country === null ? null : (COUNTRY_ALPHA2[country.toUpperCase()] ?? null),
    geo: a.latitude !== null && a.longitude !== null ? { lat: a.latitude, lon: a.longitude } : null,
  };
}

/** ServiceTitan custom fields → canonical ones, keyed by label (type id when there is none). */
export function customFields(fields: readonly ServiceTitanCrmCustomField[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const field of fields) out[textOrNull(field.name) ?? String(field.typeId)] = field.value ?? null;
  return out;
}

/** The fields every canonical object has: ids of the connection, times, and `deletedAt` for a deleted row. */
export function canonicalBase<E extends EntityType>(
  entity: E,
  scope: MappingScope,
  times: { createdAt: string; updatedAt: string },
) {
  const { record, ctx } = scope;
  return {
    id: canonicalId(ctx.connectionId, entity, record.externalId),
    vendor: 'servicetitan' as const,
    externalId: record.externalId,
    connectionId: ctx.connectionId,
    createdAt: times.createdAt,
    updatedAt: times.updatedAt,
    deletedAt: record.deleted ? times.updatedAt : null,
  };
}

/** The canonical id of another record of the connection; ServiceTitan's 0 or null means none. */
export function canonicalRef(scope: MappingScope, entity: EntityType, vendorId: number): string;
export function canonicalRef(scope: MappingScope, entity: EntityType, vendorId: number | null): string | null;
export function canonicalRef(
  scope: MappingScope,
  entity: EntityType,
  vendorId: number | null,
): string | null {
  return vendorId === null || vendorId === 0
    ? null
    : canonicalId(scope.ctx.connectionId, entity, String(vendorId));
}
