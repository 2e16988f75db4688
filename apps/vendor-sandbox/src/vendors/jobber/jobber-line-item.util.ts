import type { WorldLineItem } from '@fieldsync/sandbox-world';
import { cents } from './jobber-amount.util';
import { encodeId } from './jobber-encoded-id.util';
import { ref } from './jobber-reference.util';

/** A quote's or invoice's line as Jobber's `LineItem`. */
export function lineItemOf(line: Readonly<WorldLineItem>) {
  return {
    id: encodeId('LineItem', line.id),
    name: line.description,
    description: line.code === '' ? null : line.code,
    quantity: line.quantityMilli / 1000,
    unitPrice: cents(line.unitPrice),
    totalPrice: cents(line.total),
    taxable: line.taxable,
    linkedProductOrService:
      line.pricebookItemId === null ? null : ref('ProductOrService', line.pricebookItemId),
  };
}
