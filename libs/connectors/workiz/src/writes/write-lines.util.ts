import type { CommandOf } from '@fieldsync/canonical-model';
import type { WriteContext } from '@fieldsync/connector-kit';
import { unsupported } from './write-errors.util';
import { dollarsOf } from './write-values.util';

/*
 * Command line items → the web app's estimate and invoice lines (`{item_id?, name, qty, price, taxable?}`):
 * a price book item by its Workiz id, the line's name (its description when it has no name; a description
 * beside a different name has nowhere to go and is refused by name), quantity and price in dollars.
 */

type Line = CommandOf<'quote.create'>['payload']['lineItems'][number];

/** The fields of a line a Workiz form carries (as `carries` paths under `lineItems[]`). */
export const LINE_CARRIES = [
  'lineItems[].pricebookItemId',
  'lineItems[].name',
  'lineItems[].description',
  'lineItems[].quantity',
  'lineItems[].unitPrice',
  'lineItems[].taxable',
] as const;

export async function workizLines(ctx: WriteContext, lines: readonly Line[], currency: string) {
  const out = [];
  for (const [i, l] of lines.entries()) {
    const field = `payload.lineItems[${i}]`;
    const description = l.description.trim();
    if (l.name !== undefined && description !== '' && description !== l.name.trim()) {
      throw unsupported(
        `${field}.description`,
        'lines have a name only: a description beside it has no field',
      );
    }
    const name = (l.name ?? description).trim();
    const item =
      l.pricebookItemId === undefined
        ? undefined
        : await ctx.resolve(l.pricebookItemId, `${field}.pricebookItemId`);
    if (name === '' && item === undefined)
      throw unsupported(`${field}.name`, 'needs a line name or a price book item');
    out.push({
      ...(item !== undefined ? { item_id: Number(item.externalId) } : {}),
      ...(name !== '' ? { name } : {}),
      qty: l.quantity,
      price: dollarsOf(l.unitPrice, currency),
      ...(l.taxable !== undefined ? { taxable: l.taxable } : {}),
    });
  }
  return out;
}
