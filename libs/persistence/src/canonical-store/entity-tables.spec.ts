import { canonicalFactory } from '@fieldsync/testing';
import { contentHash } from './canonical-store.repository';
import { entityTable, projectColumns } from './entity-tables.constants';

describe('canonical store projection', () => {
  const factory = canonicalFactory({ connectionId: 'con_proj' });

  it('derives the filter columns of a job, money in minor units', () => {
    const job = factory.job({ lineItemPrices: [100, 20.5], technicianIds: [] });
    expect(projectColumns('job', job)).toMatchObject({
      status: 'scheduled',
      vendor_status: 'Scheduled',
      number: job.number,
      total_minor: 13044, // 120.50 + 8.25% tax (9.94)
      currency: 'USD',
      city: 'San Diego',
      region: 'CA',
      scheduled_start: '2026-02-01T15:00:00Z',
      technician_ids: [],
    });
  });

  it('takes the primary email of a customer', () => {
    const customer = factory.customer({
      emails: [
        { type: 'work', address: 'other@example.com', primary: false },
        { type: 'personal', address: 'main@example.com', primary: true },
      ],
    });
    expect(projectColumns('customer', customer)).toMatchObject({
      email: 'main@example.com',
      display_name: 'Alex Johnson',
    });
  });

  it('has no table for line items, which live in their parent', () => {
    expect(() => entityTable('line_item')).toThrow(/line_item has no canonical-store table/);
  });

  it('hashes content independently of key order, and differently for any change', () => {
    const customer = factory.customer({ externalId: '9' });
    const reordered = Object.fromEntries(Object.entries(customer).reverse()) as typeof customer;
    expect(contentHash(reordered)).toBe(contentHash(customer));
    expect(contentHash({ ...customer, displayName: 'Other' })).not.toBe(contentHash(customer));
  });
});
