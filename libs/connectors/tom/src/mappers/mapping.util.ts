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
import { tomDateTimeToUtc } from '../tom-time.util';

/*
 * What every Total Office Manager entity mapping (mappers/<entity>.mapper.ts) shares, under the same names as
 * in the other connectors: the record being mapped and its connection, the canonical envelope, references
 * to other records of the connection, and TOM's printed values turned into canonical ones (amounts
 * `$1,234.56` exact to the cent, local times to UTC, `street, city, ST 12345` addresses).
 */

export type WireRecord = Parameters<RecordMapper['toCanonical']>[0];
export type MapContext = Parameters<RecordMapper['toCanonical']>[1];

export interface MappingScope {
  readonly record: WireRecord;
  readonly ctx: MapContext;
}

export function wirePayload<S extends z.ZodType>(schema: S, record: WireRecord): z.infer<S> {
  return schema.parse(record.raw);
}

export function canonical<E extends EntityType>(entity: E, value: unknown): CanonicalEntity {
  return entitySchemas[entity].parse(value);
}

export const textOrNull = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/** Created and Modified columns in UTC (a record never modified before it was created). */
export function timesOf(fields: { Created?: string; Modified: string }): {
  createdAt: string;
  updatedAt: string;
} {
  const updatedAt = tomDateTimeToUtc(fields.Modified);
  const createdAt = fields.Created === undefined ? updatedAt : tomDateTimeToUtc(fields.Created);
  return { createdAt, updatedAt: Date.parse(updatedAt) < Date.parse(createdAt) ? createdAt : updatedAt };
}

export function canonicalBase<E extends EntityType>(
  entity: E,
  scope: MappingScope,
  times: { createdAt: string; updatedAt: string },
) {
  const { record, ctx } = scope;
  return {
    id: canonicalId(ctx.connectionId, entity, record.externalId),
    vendor: 'tom' as const,
    externalId: record.externalId,
    connectionId: ctx.connectionId,
    createdAt: times.createdAt,
    updatedAt: times.updatedAt,
    deletedAt: record.deleted ? times.updatedAt : null,
  };
}

export function canonicalRef(
  scope: MappingScope,
  entity: EntityType,
  vendorId: string | null,
): string | null {
  return vendorId === null || vendorId === '' ? null : canonicalId(scope.ctx.connectionId, entity, vendorId);
}

/** Same as canonicalRef for a reference the page always shows. */
export function requiredRef(scope: MappingScope, entity: EntityType, vendorId: string): string {
  return canonicalId(scope.ctx.connectionId, entity, vendorId);
}

export const TOM_CURRENCY = 'USD';

/** `$1,234.56` / `-$12.00` → cents. */
export function centsOf(printed: string): number {
  const negative = printed.startsWith('-');
  const digits = printed.replace(/^-?\$/, '').replace(/,/g, '');
  const [whole = '0', cents = '00'] = digits.split('.');
  const value = Number(whole) * 100 + Number(cents);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`TOM amount ${JSON.stringify(printed)} is not an amount`);
  return negative ? -value : value;
}

export const fromMinor = (cents: number): number => Money.ofMinor(cents, TOM_CURRENCY).toAmount();
export const money = (printed: string): number => fromMinor(centsOf(printed));

/** `1 Main St Apt 2, Austin, TX 78701` → an address (null when the page shows none). */
export function canonicalAddress(printed: string): Address | null {
  const parts = printed.split(',').map((p) => p.trim());
  if (parts.length < 3)
    return textOrNull(printed) === null
      ? null
      : {
          line1: printed.trim(),
          line2: null,
          city: null,
          region: null,
          postalCode: null,
          country: 'US',
          geo: null,
        };
  const last = parts[parts.length - 1] ?? '';
  const city = parts[parts.length - 2] ?? '';
  const line1 = parts.slice(0, -2).join(', ');
  const [region = '', postalCode = ''] = last.split(/\s+/);
  return {
    line1,
    line2: null,
    city: textOrNull(city),
    region: textOrNull(region),
    postalCode: textOrNull(postalCode),
    country: 'US',
    geo: null,
  };
}

export function canonicalPhone(number: string, type: Phone['type']): Phone | null {
  const value = textOrNull(number);
  if (value === null) return null;
  return { type, number: value, e164: normalizePhoneNumber(value), extension: null, primary: true };
}

/** `Yes` / `No`. */
export const yes = (value: string): boolean => value === 'Yes';

/** `12; 40` → ['12', '40']. */
export const idList = (value: string): string[] =>
  value
    .split(';')
    .map((v) => v.trim())
    .filter((v) => v !== '');
