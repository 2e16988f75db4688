import { adjustCustomerBalance } from './world-customer-balance.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { assertRequired, type WorldRules } from './world.rules';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

export interface NewPaymentInput {
  readonly customerId: number;
  readonly paymentTypeId: number;
  readonly splits: readonly { invoiceId: number; amount: number }[];
  readonly unappliedAmount?: number;
  readonly tip?: number;
  readonly paidOn?: number;
  readonly memo?: string | null;
  readonly card?: { brand: 'Visa' | 'Mastercard' | 'Amex' | 'Discover'; last4: string };
  readonly checkNumber?: string;
  readonly externalTransactionId?: string | null;
}

/** Payments: applying money to a customer's invoices, and voiding it back onto their balances. */
export class WorldPaymentWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  recordPayment(input: NewPaymentInput): StoredRecord<'payment'> {
    assertRequired('payment', input, ['customerId', 'paymentTypeId', 'splits']);
    this.rules.assertUsable('customer', input.customerId, { allowInactive: true });
    const type = this.rules.assertUsable('paymentType', input.paymentTypeId);
    if (type.method === 'card') assertRequired('payment', input, ['card']);
    const seen = new Set<number>();
    for (const split of input.splits) {
      if (!Number.isInteger(split.amount) || split.amount <= 0 || seen.has(split.invoiceId)) {
        throw new WorldRuleError(
          WorldRuleCode.InvalidValue,
          'each split is a positive number of cents to a distinct invoice',
          {
            invoiceId: split.invoiceId,
            amount: split.amount,
          },
        );
      }
      seen.add(split.invoiceId);
      const invoice = this.rules.assertUsable('invoice', split.invoiceId, { allowInactive: true });
      if (invoice.customerId !== input.customerId) {
        throw new WorldRuleError(
          WorldRuleCode.ReferenceMismatch,
          `invoice ${invoice.id} belongs to another customer`,
          {
            invoiceId: invoice.id,
          },
        );
      }
      if (split.amount > invoice.balance) {
        throw new WorldRuleError(
          WorldRuleCode.AmountExceedsBalance,
          `payment exceeds invoice ${invoice.id}'s balance`,
          {
            invoiceId: invoice.id,
            amount: split.amount,
            balance: invoice.balance,
          },
        );
      }
    }
    const unapplied = input.unappliedAmount ?? 0;
    const tip = input.tip ?? 0;
    if (!Number.isInteger(unapplied) || unapplied < 0 || !Number.isInteger(tip) || tip < 0) {
      throw new WorldRuleError(WorldRuleCode.InvalidValue, 'tip and unapplied amount are cents ≥ 0', {
        tip,
        unapplied,
      });
    }
    const applied = input.splits.reduce((sum, s) => sum + s.amount, 0);
    const payment = this.store.create('payment', {
      customerId: input.customerId,
      paymentTypeId: type.id,
      method: type.method,
      cardBrand: type.method === 'card' ? (input.card?.brand ?? null) : null,
      cardLast4: type.method === 'card' ? (input.card?.last4 ?? null) : null,
      checkNumber: type.method === 'check' ? (input.checkNumber ?? null) : null,
      amount: applied + unapplied,
      tip,
      splits: input.splits.map((s) => ({ invoiceId: s.invoiceId, amount: s.amount })),
      unappliedAmount: unapplied,
      paidOn: input.paidOn ?? this.store.clock.now(),
      memo: input.memo ?? null,
      externalTransactionId: input.externalTransactionId ?? null,
    });
    for (const split of input.splits) {
      const invoice = this.store.require('invoice', split.invoiceId);
      this.store.update('invoice', invoice.id, { balance: invoice.balance - split.amount });
    }
    adjustCustomerBalance(this.store, input.customerId, -applied);
    return payment;
  }

  /** Voids a payment: soft-deleted, its splits go back onto the invoices' balances. */
  voidPayment(id: number): StoredRecord<'payment'> {
    const payment = this.rules.assertUsable('payment', id, { allowInactive: true });
    let applied = 0;
    for (const split of payment.splits) {
      const invoice = this.store.require('invoice', split.invoiceId);
      this.store.update('invoice', invoice.id, { balance: invoice.balance + split.amount });
      applied += split.amount;
    }
    const voided = this.store.softDelete('payment', id);
    adjustCustomerBalance(this.store, payment.customerId, applied);
    return voided;
  }
}
