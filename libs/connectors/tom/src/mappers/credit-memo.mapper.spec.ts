import { createHash } from 'node:crypto';
import { invoiceSchema } from '@fieldsync/canonical-model';
import { mapVendorRecord } from '@fieldsync/connector-kit';
import { tomMapper } from '../tom.mapper';

/*
 * A TOM credit memo → a canonical invoice with negative amounts (docs/tom.md "Credit memos"): the
 * canonical schema's equations hold, the credit is told by `vendorStatus`, its id never meets an invoice's.
 */

const CTX = { tenantId: 'tenant-1', connectionId: 'conn-tom' };

function creditRecord(fields: Record<string, string>) {
  const rendering = {
    key: '9001',
    fields: {
      'Credit #': '9001',
      'Customer:Job': 'Ada Smith:Main House',
      'Customer ID': '1001',
      'Job ID': '2001',
      'WO #': '3001',
      'Invoice #': 'INV-5001',
      Date: '3/4/2026',
      Terms: 'Due on receipt',
      Status: 'Partially Applied',
      Subtotal: '$100.00',
      Tax: '$8.25',
      Total: '$108.25',
      Applied: '$40.00',
      Remaining: '$68.25',
      Memo: 'Returned part',
      Created: '3/4/2026 9:15:00 AM',
      Modified: '3/5/2026 10:00:00 AM',
      ...fields,
    },
    lines: [
      {
        Line: '850000001',
        Item: 'MAT-CAP',
        'Item ID': '4001',
        Description: 'Run capacitor',
        Type: 'Material',
        Qty: '2',
        Rate: '$50.00',
        Amount: '$100.00',
        Taxable: 'Yes',
      },
    ],
  };
  const checksum = createHash('sha256')
    .update(
      JSON.stringify([
        rendering.key,
        Object.entries(rendering.fields),
        rendering.lines.map((l) => Object.entries(l)),
      ]),
    )
    .digest('hex');
  return {
    kind: 'record' as const,
    entity: 'invoice' as const,
    externalId: 'CM-9001',
    raw: { ...rendering, checksum },
    deleted: false,
  };
}

describe('TOM credit memo mapping', () => {
  it('is a canonical invoice with negated amounts: balance is the credit left, amountPaid the credit applied', () => {
    const mapped = mapVendorRecord(tomMapper, creditRecord({}), CTX);
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.issues));
    const invoice = invoiceSchema.parse(mapped.object);
    expect(invoice).toMatchObject({
      externalId: 'CM-9001',
      number: '9001',
      status: 'partially_paid',
      vendorStatus: 'Credit Memo: Partially Applied',
      subtotal: -100,
      discount: 0,
      tax: -8.25,
      total: -108.25,
      amountPaid: -40,
      balance: -68.25,
      issuedDate: '2026-03-04',
      dueDate: null,
      memo: 'Returned part',
    });
    expect(invoice.lineItems).toEqual([
      expect.objectContaining({ quantity: 2, unitPrice: -50, total: -100, taxable: true, sku: 'MAT-CAP' }),
    ]);
    expect(invoice.id).toMatch(/^inv_/);
  });

  it('maps every TOM credit status; a fully applied credit is paid with nothing left, a void one has balance 0', () => {
    const statusOf = (fields: Record<string, string>) => {
      const mapped = mapVendorRecord(tomMapper, creditRecord(fields), CTX);
      if (!mapped.ok) throw new Error(JSON.stringify(mapped.issues));
      const { status, balance, amountPaid } = invoiceSchema.parse(mapped.object);
      return { status, balance, amountPaid };
    };
    expect(statusOf({ Status: 'Open', Applied: '$0.00', Remaining: '$108.25' })).toEqual({
      status: 'open',
      balance: -108.25,
      amountPaid: 0,
    });
    expect(statusOf({ Status: 'Applied', Applied: '$108.25', Remaining: '$0.00' })).toEqual({
      status: 'paid',
      balance: 0,
      amountPaid: -108.25,
    });
    expect(statusOf({ Status: 'Void', Applied: '$0.00', Remaining: '$0.00' })).toMatchObject({
      status: 'void',
      balance: 0,
    });
  });

  it('a credit row whose page no longer reads (a renamed column) fails to map instead of becoming a wrong value', () => {
    const record = creditRecord({});
    const { Remaining, ...rest } = record.raw.fields;
    expect(Remaining).toBe('$68.25');
    const drifted = { ...record, raw: { ...record.raw, fields: { ...rest, 'Credit Left': '$68.25' } } };
    expect(mapVendorRecord(tomMapper, drifted, CTX).ok).toBe(false);
  });
});
