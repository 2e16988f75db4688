import { canonicalId } from '@fieldsync/canonical-model';
import fixture from '../__fixtures__/workiz-records.fixture.json';
import { workizMapper } from '../workiz.mapper';
import { fromMinor, minor, money } from './mapping.util';

/*
 * Workiz sends money as dollars in JSON numbers: every amount becomes integer cents exactly, sums and
 * differences are taken in cents, and the canonical amounts carry at most two decimals (never 0.1 + 0.2).
 * The records are the sandbox's answers recorded by the e2e suite (__fixtures__/workiz-records.fixture.json:
 * workiz-openapi.yml describes the fields but carries no example payloads).
 */

type Recorded = { stream: string; entity: string; externalId: string; raw: unknown; deleted: boolean };
const records = fixture as Recorded[];
const CTX = { tenantId: 'tenant-1', connectionId: 'conn-workiz' };
const first = (entity: string): Recorded => {
  const found = records.find((r) => r.entity === entity);
  if (!found) throw new Error(`no recorded ${entity}`);
  return found;
};
const map = (r: Recorded, raw: unknown = r.raw) =>
  workizMapper.toCanonical(
    { kind: 'record', entity: r.entity as never, externalId: r.externalId, raw, deleted: false },
    CTX,
  ) as unknown as Record<string, unknown>;

describe('Workiz money', () => {
  it('dollars become exact cents, and differences are taken in cents', () => {
    expect(minor(0.1) + minor(0.2)).toBe(30);
    expect(money(1403.5)).toBe(1403.5);
    expect(minor(19.99)).toBe(1999);
    expect(fromMinor(minor(1.1) - minor(0.2))).toBe(0.9);
    expect(1.1 - 0.2).not.toBe(0.9); // what float arithmetic would have stored: 0.9000000000000001
    expect(minor(1234567.89)).toBe(123456789);
  });

  it('a job: total, amount due and paid (total − due) to the cent, even when float subtraction is off', () => {
    const r = first('job');
    const raw = r.raw as { job: Record<string, unknown>; TeamMembers: unknown[] };
    const job = map(r, {
      ...raw,
      job: { ...raw.job, JobTotalPrice: 1.1, JobAmountDue: 0.2, SubTotal: 1.0, TaxAmount: 0.1 },
    });
    expect([job['total'], job['balance'], job['amountPaid'], job['subtotal'], job['tax']]).toEqual([
      1.1, 0.2, 0.9, 1, 0.1,
    ]);
    expect(job['currency']).toBe('USD');
  });

  it('an invoice: paid = total − due, in cents', () => {
    const r = first('invoice');
    const raw = r.raw as Record<string, unknown>;
    const invoice = map(r, {
      ...raw,
      subtotal: 0.3,
      discount: 0,
      tax: 0,
      total: 0.3,
      amount_due: 0.1,
      status: 'partial',
    });
    expect([invoice['total'], invoice['amountPaid'], invoice['balance'], invoice['status']]).toEqual([
      0.3,
      0.2,
      0.1,
      'partially_paid',
    ]);
  });

  it('a payment keeps its tip apart and only the last four digits of a card', () => {
    const r = first('payment');
    const raw = r.raw as Record<string, unknown>;
    const payment = map(r, {
      ...raw,
      method: 'credit_card',
      amount: 250.05,
      tip: 20.1,
      card_brand: 'Visa',
      card_last4: '4242',
      check_number: null,
      invoice_ids: [42],
    });
    expect(payment).toMatchObject({
      method: 'card',
      amount: 250.05,
      tipAmount: 20.1,
      card: { brand: 'Visa', last4: '4242' },
      appliedTo: [{ invoiceId: canonicalId(CTX.connectionId, 'invoice', '42'), amount: 250.05 }],
    });
  });
});
