import { lineTotal } from './world-money.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import type { WorldRules } from './world.rules';
import type { LineType, WorldLineItem } from './world.schema';
import type { WorldStore } from './world.store';

export interface NewLineInput {
  /** A pricebook item: type, code, description, unit price (member price when `member`) and taxable come from it. */
  readonly pricebookItemId?: number;
  readonly type?: Exclude<LineType, 'Discount'>;
  readonly description?: string;
  readonly code?: string;
  readonly unitPrice?: number;
  readonly taxable?: boolean;
  /** Thousandths: 1.5 = 1500; default 1000. */
  readonly quantityMilli?: number;
}

/** An invoice or estimate line from its input (a usable pricebook item or type, description and price). */
export function lineItemFrom(
  store: WorldStore,
  rules: WorldRules,
  input: NewLineInput,
  member: boolean,
): WorldLineItem {
  const item =
    input.pricebookItemId != null ? rules.assertUsable('pricebookItem', input.pricebookItemId) : null;
  const type = input.type ?? item?.type;
  const description = input.description ?? item?.name;
  const unitPrice = input.unitPrice ?? (item ? (member ? item.memberPrice : item.price) : undefined);
  if (type === undefined || description === undefined || unitPrice === undefined) {
    throw new WorldRuleError(
      WorldRuleCode.RequiredField,
      'a line needs a pricebook item or type, description and price',
      {},
    );
  }
  const quantityMilli = input.quantityMilli ?? 1000;
  if (
    !Number.isInteger(quantityMilli) ||
    quantityMilli <= 0 ||
    !Number.isInteger(unitPrice) ||
    unitPrice < 0
  ) {
    throw new WorldRuleError(WorldRuleCode.InvalidValue, 'quantity and unit price are positive integers', {
      quantityMilli,
      unitPrice,
    });
  }
  return {
    id: store.newLineItemId(),
    type,
    pricebookItemId: item?.id ?? null,
    code: input.code ?? item?.code ?? '',
    description,
    quantityMilli,
    unitPrice,
    total: lineTotal(quantityMilli, unitPrice),
    taxable: input.taxable ?? item?.taxable ?? false,
  };
}
