import { canonicalId, type Address, type EntityType } from '@fieldsync/canonical-model';
import { VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import type { HousecallProAddress } from '../housecallpro.schemas';
import { HOUSECALLPRO_CURRENCY } from '../mappers/mapping.util';

/** Values the Housecall Pro writes share: addresses, names, ids, times. */

export const idOf = (ctx: WriteContext, entity: EntityType, externalId: string): string =>
  canonicalId(ctx.connectionId, entity, externalId);

/** Lower-cased, spaces collapsed: how two names or emails are compared. */
export const norm = (value: string | null | undefined): string =>
  (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

export const digits = (value: string | null | undefined): string => (value ?? '').replace(/\D/g, '');

/**
 * A canonical address as Housecall Pro's AddressCreate (street, street_line_2, city, state, zip, country).
 * Housecall Pro takes no geo point from us (it geocodes itself): an address given with one is refused
 * naming `<field>.geo`, never written without it.
 */
export function hcpAddress(address: Address, field: string): Record<string, string> {
  if (address.geo !== null) {
    throw new VendorWriteError(
      'unsupported',
      'Housecall Pro geocodes addresses itself: a geo point is not written',
      {
        field: `${field}.geo`,
      },
    );
  }
  return {
    street: address.line1,
    ...(address.line2 ? { street_line_2: address.line2 } : {}),
    ...(address.city ? { city: address.city } : {}),
    ...(address.region ? { state: address.region } : {}),
    ...(address.postalCode ? { zip: address.postalCode } : {}),
    ...(address.country ? { country: address.country } : {}),
  };
}

/** Whether Housecall Pro's address is the canonical one (street, unit, zip; case and spacing aside). */
export function sameAddress(hcp: HousecallProAddress, address: Address): boolean {
  return (
    norm(hcp.street) === norm(address.line1) &&
    norm(hcp.street_line_2) === norm(address.line2) &&
    digits(hcp.zip) === digits(address.postalCode)
  );
}

export function assertCurrency(currency: string, field = 'payload.currency'): void {
  if (currency !== HOUSECALLPRO_CURRENCY) {
    throw new VendorWriteError('unsupported', `Housecall Pro keeps ${HOUSECALLPRO_CURRENCY} only`, { field });
  }
}

/** An instant as Housecall Pro's schedule fields take it (ISO-8601, UTC). */
export const hcpTime = (iso: string): string => new Date(iso).toISOString();

/** A window's end: `scheduledEnd`, or the start plus `durationMinutes`. */
export function windowEnd(window: {
  scheduledStart: string;
  scheduledEnd?: string;
  durationMinutes?: number;
}): string {
  if (window.scheduledEnd !== undefined) return hcpTime(window.scheduledEnd);
  return new Date(Date.parse(window.scheduledStart) + (window.durationMinutes ?? 60) * 60_000).toISOString();
}

/**
 * A window's arrival window in minutes, as Housecall Pro holds it: from the start. An arrival window that
 * does not open at the scheduled start cannot be written (`<field>.arrivalWindowStart`).
 */
export function arrivalMinutes(
  window: { scheduledStart: string; arrivalWindowStart?: string; arrivalWindowEnd?: string },
  field: string,
): number | undefined {
  if (window.arrivalWindowStart === undefined || window.arrivalWindowEnd === undefined) return undefined;
  if (Date.parse(window.arrivalWindowStart) !== Date.parse(window.scheduledStart)) {
    throw new VendorWriteError(
      'unsupported',
      "Housecall Pro's arrival window opens at the scheduled start; another opening is not written",
      { field: `${field}.arrivalWindowStart` },
    );
  }
  return Math.round((Date.parse(window.arrivalWindowEnd) - Date.parse(window.arrivalWindowStart)) / 60_000);
}
