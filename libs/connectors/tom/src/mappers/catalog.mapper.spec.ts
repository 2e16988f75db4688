import { pricebookItemSchema } from '@fieldsync/canonical-model';
import { mapVendorRecord } from '@fieldsync/connector-kit';
import { validatedRecord } from '../readers/wire-record.util';
import { tomItemSchema, tomWireRecord } from '../tom.schemas';
import { tomMapper } from '../tom.mapper';

/*
 * A TOM item → a canonical pricebook item (docs/tom.md "Zone prices"): its price in each pricing zone from
 * its detail page's Zone Prices table, no member price (TOM's agreement pricing is on the agreement), and a
 * zone price that no longer reads is drift, never a wrong value.
 */

const CTX = { tenantId: 'tenant-1', connectionId: 'conn-tom' };

function itemRendering(lines: Record<string, string>[]) {
  return {
    key: '70000003',
    fields: {
      'Item ID': '70000003',
      Item: 'HV-101',
      Description: 'AC Tune-Up',
      Type: 'Service',
      Price: '$1,129.00',
      Cost: '$32.25',
      Taxable: 'No',
      Active: 'Yes',
      Created: '4/12/2021 8:25:50 PM',
      Modified: '4/12/2021 8:25:50 PM',
    },
    lines,
  };
}

/** What the items grid reader yields for a rendering: a record, or drift when its page no longer reads. */
const read = (rendering: ReturnType<typeof itemRendering>) =>
  validatedRecord('pricebook_item', tomItemSchema, tomWireRecord(rendering), () => false);
/** A page that must read as a record (not drift). */
const readRecord = (rendering: ReturnType<typeof itemRendering>) => {
  const record = read(rendering);
  if (record.kind !== 'record') throw new Error(`the item page is drift: ${JSON.stringify(record.issues)}`);
  return record;
};

describe('TOM item mapping', () => {
  it("carries the item's price per zone, in page order, and no member price", () => {
    const record = readRecord(
      itemRendering([
        { Zone: 'Central Austin', Price: '$1,129.00' },
        { Zone: 'West (Hill Country)', Price: '$1,298.35' },
      ]),
    );
    const mapped = mapVendorRecord(tomMapper, record, CTX);
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.issues));
    expect(pricebookItemSchema.parse(mapped.object)).toMatchObject({
      kind: 'service',
      code: 'HV-101',
      price: 1129,
      memberPrice: null,
      zonePrices: [
        { zone: 'Central Austin', price: 1129 },
        { zone: 'West (Hill Country)', price: 1298.35 },
      ],
    });
  });

  it('an item priced in no zone has an empty list (read and found none), not null', () => {
    const mapped = mapVendorRecord(tomMapper, readRecord(itemRendering([])), CTX);
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.issues));
    expect(mapped.object).toMatchObject({ zonePrices: [], memberPrice: null });
  });

  it('a zone price cell that does not read as an amount, or a renamed column, is drift naming the cell', () => {
    const unreadable = read(itemRendering([{ Zone: 'Central Austin', Price: '1129,00 USD' }]));
    expect(unreadable).toMatchObject({
      kind: 'drift',
      externalId: '70000003',
      issues: [expect.objectContaining({ path: 'lines.0.Price' })],
    });
    const renamed = read(itemRendering([{ 'Pricing Zone': 'Central Austin', Price: '$1,129.00' }]));
    expect(renamed.kind).toBe('drift');
    const noZone = read(itemRendering([{ Zone: '', Price: '$1,129.00' }]));
    expect(noZone).toMatchObject({
      kind: 'drift',
      issues: [expect.objectContaining({ path: 'lines.0.Zone' })],
    });
  });
});
