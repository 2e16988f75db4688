import {
  canonicalId,
  Money,
  normalizeTimestamp,
  type Address,
  type EntityType,
} from '@fieldsync/canonical-model';
import { VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { JOBBER_CURRENCY } from '../mappers/mapping.util';
import type { JobberProperty } from '../jobber.schemas';

/*
 * Command values → what Jobber's mutation inputs take, shared by several writes: money, addresses,
 * appointment windows, line items, canonical ids of what a write made.
 */

/** Jobber's Float dollars → canonical major units (exact to the cent). */
export const money = (dollars: number): number => Money.parse(dollars, JOBBER_CURRENCY).toAmount();

/** A string node field, or null. */
export const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The canonical id of a Jobber record of this connection. */
export const idOf = (ctx: WriteContext, entity: EntityType, externalId: string): string =>
  canonicalId(ctx.connectionId, entity, externalId);

/**
 * A command's `currency`, honoured: Jobber accounts bill in one currency (the sandbox's is USD) and its
 * API takes no other, so a command in another currency is refused rather than booked as dollars.
 */
export function assertCurrency(currency: string): void {
  if (currency !== JOBBER_CURRENCY) {
    throw new VendorWriteError(
      'validation_failed',
      `Jobber bills this account in ${JOBBER_CURRENCY}; the command is in ${currency}`,
      { field: 'payload.currency' },
    );
  }
}

const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  US: 'United States',
  CA: 'Canada',
  GB: 'United Kingdom',
  AU: 'Australia',
};

/** A canonical address → Jobber's AddressAttributes (the geo point is Jobber's own geocoding). */
export function jobberAddress(a: Address): Record<string, string> {
  const out: Record<string, string> = { street1: a.line1 };
  if (a.line2) out['street2'] = a.line2;
  if (a.city) out['city'] = a.city;
  if (a.region) out['province'] = a.region;
  if (a.postalCode) out['postalCode'] = a.postalCode;
  if (a.country) out['country'] = COUNTRY_NAMES[a.country] ?? a.country;
  return out;
}

/** Trimmed, single-spaced, lower case: how two names or streets are compared. */
export const norm = (s: string | null | undefined): string =>
  (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/** A property at this address already (street and postal code, as Jobber's own duplicate check). */
export function sameAddress(p: JobberProperty, a: Address): boolean {
  const street = p.address.street1 ?? p.address.street;
  return norm(street) === norm(a.line1) && norm(p.address.postalCode) === norm(a.postalCode);
}

/** The schedule part of a canonical appointment window (Jobber has no arrival window input here). */
export interface WindowInput {
  readonly scheduledStart: string;
  readonly scheduledEnd?: string | undefined;
  readonly durationMinutes?: number | undefined;
}

/** A canonical window → Jobber's `startAt`/`endAt`: the end from scheduledEnd or durationMinutes. */
export function windowOf(w: WindowInput): { startAt: string; endAt: string } {
  const start = Date.parse(w.scheduledStart);
  const end =
    w.scheduledEnd !== undefined ? Date.parse(w.scheduledEnd) : start + (w.durationMinutes ?? 0) * 60_000;
  return { startAt: normalizeTimestamp(new Date(start)), endAt: normalizeTimestamp(new Date(end)) };
}

/** The line-item fields Jobber's LineItemAttributes take (no sku, no tax code). */
export interface LineInput {
  readonly pricebookItemId?: string | undefined;
  readonly name?: string | undefined;
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly taxable?: boolean | undefined;
}

/** Command line items → Jobber's LineItemAttributes (a pricebook item → its product or service). */
export async function jobberLines(
  ctx: WriteContext,
  lines: readonly LineInput[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const [i, line] of lines.entries()) {
    const item: Record<string, unknown> = {
      name: line.name ?? line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
    };
    if (line.name !== undefined && line.description !== '') item['description'] = line.description;
    if (line.taxable !== undefined) item['taxable'] = line.taxable;
    if (line.pricebookItemId !== undefined) {
      item['productOrServiceId'] = (
        await ctx.resolve(line.pricebookItemId, `payload.lineItems[${i}].pricebookItemId`)
      ).externalId;
    }
    out.push(item);
  }
  return out;
}
