import { canonicalId, Money, type Address } from '@fieldsync/canonical-model';
import type { WriteContext } from '@fieldsync/connector-kit';
import { unsupported } from './write-errors.util';

/*
 * Canonical values → what Workiz's forms take: account-local `YYYY-MM-DD HH:MM:SS` times, dollars with two
 * decimals (from exact minor units), an address as Address/Unit/City/State/PostalCode (US only: Workiz
 * computes coordinates itself), and canonical ids of the connection.
 */

/** An instant as the account's wall clock, `YYYY-MM-DD HH:MM:SS` (what Workiz's API takes and shows). */
export function workizLocal(iso: string, zone: string): string {
  const p: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso))) {
    p[part.type] = part.value;
  }
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']}`;
}

/** A canonical amount as Workiz's dollars: exact to the cent (through minor units), a JSON number. */
export const dollarsOf = (amount: number, currency: string): number => {
  if (currency !== 'USD') throw unsupported('payload.currency', `accounts bill in USD only, not ${currency}`);
  return Number(Money.fromAmount(amount, currency).toDecimalString());
};

/** A canonical address as Workiz's fields; a country other than the US, or coordinates, are refused by name. */
export function workizAddress(a: Address, field: string) {
  if (a.country !== null && a.country !== 'US') {
    throw unsupported(`${field}.country`, `serves US addresses only (got ${a.country})`);
  }
  if (a.geo !== null)
    throw unsupported(`${field}.geo`, 'computes an address’s coordinates itself and takes none');
  return {
    address: a.line1,
    unit: a.line2 ?? '',
    city: a.city ?? '',
    state: a.region ?? '',
    zip: a.postalCode ?? '',
  };
}

/** The canonical id of a vendor record of this connection. */
export const idOf = (
  ctx: Pick<WriteContext, 'connectionId'>,
  entity: Parameters<typeof canonicalId>[1],
  externalId: string,
) => canonicalId(ctx.connectionId, entity, externalId);
