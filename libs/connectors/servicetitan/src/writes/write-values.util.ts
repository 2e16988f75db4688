import {
  Money,
  canonicalId,
  type Address,
  type CommandOf,
  type EntityType,
} from '@fieldsync/canonical-model';
import { VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { SERVICETITAN_CURRENCY } from '../mappers/mapping.util';

/*
 * Command values → what ServiceTitan's v2 requests take, shared by several writes: vendor ids of
 * canonical ids, addresses, appointment windows, money, line items, and the canonical ids of what a
 * write made.
 */

/** A line of a quote or invoice command (`commandLineItemSchema`). */
export type CommandLine = CommandOf<'invoice.create'>['payload']['lineItems'][number];

/** How far before the first attempt a search for its effect looks (clock skew between us and the vendor). */
const FIND_SLACK_MS = 2 * 60_000;

/** The vendor id (ServiceTitan ids are int64 numbers) of a canonical id of the command. */
export async function resolveId(ctx: WriteContext, id: string, field: string): Promise<number> {
  return Number((await ctx.resolve(id, field)).externalId);
}

/** The lower bound of a search for an earlier attempt's effect (`createdOnOrAfter`). */
export const since = (ctx: WriteContext): string =>
  new Date(ctx.firstAttemptAt.getTime() - FIND_SLACK_MS).toISOString();

/** The canonical id of a ServiceTitan record of this connection. */
export const cid = (ctx: WriteContext, entity: EntityType, id: number): string =>
  canonicalId(ctx.connectionId, entity, String(id));

/** A ServiceTitan amount (decimal string or number) in minor units of `currency`, half-up. */
export const minor = (value: string | number, currency: string): number =>
  Money.parse(value, currency).amountMinor;

/** Minor units as the major-unit number ServiceTitan's API and our results carry. */
export const major = (amountMinor: number, currency: string): number =>
  Money.ofMinor(amountMinor, currency).toAmount();

/**
 * A command's `currency`, honoured: ServiceTitan amounts carry no currency, they are the tenant's
 * (SERVICETITAN_CURRENCY, what the read side maps them in), so a command in another currency is refused
 * rather than booked as dollars.
 */
export function assertCurrency(currency: string): void {
  if (currency !== SERVICETITAN_CURRENCY) {
    throw new VendorWriteError(
      'validation_failed',
      `ServiceTitan amounts are in the tenant's ${SERVICETITAN_CURRENCY}; the command is in ${currency}`,
      { field: 'payload.currency' },
    );
  }
}

/** Case- and space-insensitive equality of two optional texts. */
export const sameText = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/** ServiceTitan's address in a create request. */
export interface ServiceTitanAddressBody {
  street: string;
  unit: string | null;
  city: string;
  state: string;
  zip: string;
  country: string;
  latitude?: number;
  longitude?: number;
}

/** Canonical address → ServiceTitan's (US states as two letters, as ServiceTitan keeps them). */
export function stAddress(a: Address): ServiceTitanAddressBody {
  return {
    street: a.line1,
    unit: a.line2 ?? null,
    city: a.city ?? '',
    state: (a.region ?? '').toUpperCase(),
    zip: a.postalCode ?? '',
    country: a.country === null || a.country === 'US' ? 'USA' : a.country,
    ...(a.geo ? { latitude: a.geo.lat, longitude: a.geo.lon } : {}),
  };
}

/** A command's appointment window (`appointmentWindowSchema`). */
export interface AppointmentWindow {
  readonly scheduledStart: string;
  readonly scheduledEnd?: string | undefined;
  readonly durationMinutes?: number | undefined;
  readonly arrivalWindowStart?: string | undefined;
  readonly arrivalWindowEnd?: string | undefined;
}

/** A window → ServiceTitan's appointment times (the end from the duration when not given), in UTC. */
export function windowOf(w: AppointmentWindow): {
  start: string;
  end: string;
  arrivalWindowStart?: string;
  arrivalWindowEnd?: string;
} {
  const start = new Date(w.scheduledStart);
  const end = w.scheduledEnd
    ? new Date(w.scheduledEnd)
    : new Date(start.getTime() + (w.durationMinutes ?? 0) * 60_000);
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    ...(w.arrivalWindowStart && w.arrivalWindowEnd
      ? {
          arrivalWindowStart: new Date(w.arrivalWindowStart).toISOString(),
          arrivalWindowEnd: new Date(w.arrivalWindowEnd).toISOString(),
        }
      : {}),
  };
}

/** An item of an estimate or adjustment invoice create (`EstimateItemCreateUpdateRequest`, `InvoiceItemUpdateRequest`). */
export interface ServiceTitanItemBody {
  skuId?: number;
  skuName?: string;
  description: string;
  quantity: number;
  unitPrice: number;
}

/**
 * A command line → a ServiceTitan item. ServiceTitan items have one text, `description`: a line's `name`
 * and `description` both go there (the name on the first line), so neither is lost. `taxable` is not an
 * item field: it decides the tax the write computes and sends (write-totals.util).
 */
export function itemOf(line: CommandLine, skuId: number | undefined): ServiceTitanItemBody {
  const text = [line.name, line.description].filter((t) => t !== undefined && t.trim() !== '').join('\n');
  return {
    ...(skuId !== undefined ? { skuId } : {}),
    ...(line.sku !== undefined ? { skuName: line.sku } : {}),
    description: text,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
  };
}

/** The ServiceTitan price book ids of the lines' `pricebookItemId`s (undefined where a line has none). */
export async function lineSkus(
  ctx: WriteContext,
  lines: readonly Pick<CommandLine, 'pricebookItemId'>[],
): Promise<(number | undefined)[]> {
  const out: (number | undefined)[] = [];
  for (const [i, line] of lines.entries()) {
    out.push(
      line.pricebookItemId === undefined
        ? undefined
        : await resolveId(ctx, line.pricebookItemId, `payload.lineItems[${i}].pricebookItemId`),
    );
  }
  return out;
}
