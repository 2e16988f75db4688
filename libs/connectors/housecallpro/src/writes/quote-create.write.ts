import type { CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  findMarker,
  VendorWriteError,
  withMarker,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import type { HousecallProEstimate } from '../housecallpro.schemas';
import { HOUSECALLPRO_CURRENCY, money } from '../mappers/mapping.util';
import { lineItems } from './job-create.write';
import { refusalsMapped } from './write-errors.util';
import { client, createdSince, readCustomer, readEstimate, type WriteRecord } from './write-readback.util';
import { assertSubtotal } from './write-totals.util';
import { assertCurrency, idOf } from './write-values.util';

/*
 * quote.create → `POST /estimates` (EstimateCreate: customer_id, address_id, one option with the
 * command's line items in cents, and the estimate's note). The option is named after the command's title
 * ("Option #1" without one); the note carries the command's notes with the command's marker last, which
 * Housecall Pro lists on the estimate's options: `find` looks for it among the customer's estimates
 * created since the first attempt (exactly-once by marker). The address is the location given, else the
 * customer's first service address. The option's total is checked against the command's lines.
 * Not carried (refused by name): a job (Housecall Pro's estimates stand alone until approved), a valid-
 * until date, a discount, taxes (the service area's apply), sending, attachments, and a line's price-book
 * item, SKU or tax code.
 */

type Command = CommandOf<'quote.create'>;

/** The estimate among `rows` of the customer whose options' notes carry the marker. */
export function estimateWithMarker(
  rows: readonly Record<string, unknown>[],
  customerId: string,
  marker: string,
): string | undefined {
  const match = rows.find(
    (e) =>
      (e['customer'] as { id?: unknown } | undefined)?.id === customerId &&
      ((e['options'] as { notes?: { content?: unknown }[] }[] | undefined) ?? []).some((o) =>
        (o.notes ?? []).some((n) => typeof n.content === 'string' && findMarker(n.content) === marker),
      ),
  );
  return match ? (match['id'] as string) : undefined;
}

function outcome(
  ctx: WriteContext,
  command: Command,
  estimate: HousecallProEstimate,
  record: WriteRecord,
): WriteOutcome<'quote.create'> {
  const option = estimate.options[0];
  if (!option)
    throw new VendorWriteError(
      'vendor_rejected',
      `Housecall Pro estimate ${estimate.estimate_number} has no option`,
    );
  assertSubtotal(`estimate ${estimate.estimate_number}`, command.payload, option.total_amount);
  return {
    records: [record],
    result: {
      estimateId: idOf(ctx, 'estimate', estimate.id),
      number: estimate.estimate_number,
      currency: HOUSECALLPRO_CURRENCY,
      total: money(option.total_amount),
    },
  };
}

async function addressFor(ctx: WriteContext, command: Command, customerId: string): Promise<string> {
  const p = command.payload;
  if (p.locationId !== undefined) {
    const location = await ctx.resolve(p.locationId, 'payload.locationId');
    const owner = (location.document as { customerId?: string }).customerId;
    if (owner !== undefined && owner !== p.customerId) {
      throw new VendorWriteError('validation_failed', 'the location belongs to another customer', {
        field: 'payload.locationId',
      });
    }
    return location.externalId;
  }
  const service = (await readCustomer(ctx, customerId)).customer.addresses.find((a) => a.type === 'service');
  if (!service) {
    throw new VendorWriteError('validation_failed', 'the customer has no service address: give locationId', {
      field: 'payload.locationId',
    });
  }
  return service.id;
}

export const quoteCreateWrite = defineWrite('quote.create', {
  carries: [
    'customerId',
    'locationId',
    'title',
    'currency',
    'notes',
    'lineItems[].name',
    'lineItems[].description',
    'lineItems[].quantity',
    'lineItems[].unitPrice',
    'lineItems[].taxable',
  ],

  async find(ctx, command) {
    const customer = await ctx.resolve(command.payload.customerId, 'payload.customerId');
    const rows = await createdSince(ctx, '/estimates', 'estimates');
    const id = estimateWithMarker(rows, customer.externalId, ctx.marker);
    if (id === undefined) return null;
    const { estimate, record } = await readEstimate(ctx, id);
    return outcome(ctx, command, estimate, record);
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const customer = await ctx.resolve(p.customerId, 'payload.customerId');
    const addressId = await addressFor(ctx, command, customer.externalId);
    const created = await refusalsMapped(
      {
        customer_id: 'payload.customerId',
        address_id: 'payload.locationId',
        options: 'payload.lineItems',
        line_items: 'payload.lineItems',
        note: 'payload.notes',
      },
      () =>
        client.send(ctx, 'POST', '/estimates', {
          customer_id: customer.externalId,
          address_id: addressId,
          note: withMarker(p.notes ?? null, ctx.marker),
          options: [{ name: p.title ?? 'Option #1', line_items: lineItems(p) }],
        }),
    );
    const { estimate, record } = await readEstimate(ctx, (created as { id: string }).id);
    return outcome(ctx, command, estimate, record);
  },
});
