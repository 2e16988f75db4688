import { canonicalId, entitySchemas, type EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord } from '@fieldsync/connector-kit';
import fixture from './__fixtures__/jobber-records.fixture.json';
import { jobberMapper } from './jobber.mapper';

/*
 * The mapper on records the readers recorded from the sandbox (`__fixtures__/jobber-records.fixture.json`:
 * raw payloads as validated, per canonical entity).
 */

type RecordOf = Extract<VendorRecord, { kind: 'record' }>;
const CTX = { tenantId: 'tenant-1', connectionId: 'conn-jobber' };
const records = fixture as unknown as Record<string, Record<string, unknown>[]>;

function recordOf(entity: EntityType, raw: Record<string, unknown>): RecordOf {
  return { kind: 'record', entity, externalId: raw['id'] as string, raw, deleted: false };
}
function mapped(entity: EntityType, index: number, change?: (raw: Record<string, unknown>) => void) {
  const raw = structuredClone(records[entity]?.[index]);
  if (!raw) throw new Error(`no ${entity} fixture #${index}`);
  change?.(raw);
  return jobberMapper.toCanonical(recordOf(entity, raw), CTX) as unknown as Record<string, unknown>;
}
const id = (entity: EntityType, gid: string) => canonicalId(CTX.connectionId, entity, gid);

describe('JobberMapper', () => {
  it('maps every recorded record to an object its canonical schema accepts, deterministically', () => {
    for (const [entity, raws] of Object.entries(records) as [EntityType, Record<string, unknown>[]][]) {
      expect(raws.length).toBeGreaterThan(0);
      for (const raw of raws) {
        const canonical = jobberMapper.toCanonical(recordOf(entity, raw), CTX);
        expect(entitySchemas[entity].safeParse(canonical).error).toBeUndefined();
        expect(canonical).toMatchObject({
          id: id(entity, raw['id'] as string),
          vendor: 'jobber',
          externalId: raw['id'],
          connectionId: CTX.connectionId,
          deletedAt: null,
        });
        expect(jobberMapper.toCanonical(recordOf(entity, structuredClone(raw)), CTX)).toEqual(canonical);
      }
    }
  });

  it('keeps the base64 gid as externalId, converts offsets to UTC and phones to E.164', () => {
    const customer = mapped('customer', 0);
    expect(customer).toMatchObject({
      externalId: 'Z2lkOi8vSm9iYmVyL0NsaWVudC84MDAwMDAwMQ==',
      displayName: 'John Baker',
      firstName: 'John',
      lastName: 'Baker',
      type: 'residential',
      active: true,
      createdAt: '2024-01-17T21:12:31Z',
      updatedAt: '2024-01-17T21:12:31Z',
      emails: [{ type: 'other', address: 'john.baker89@example.org', primary: true }],
      phones: [
        { type: 'other', number: '(512) 555-8181', e164: '+15125558181', extension: null, primary: true },
      ],
      billingAddress: {
        line1: '7030 Forest Dr',
        line2: null,
        city: 'Round Rock',
        region: 'TX',
        postalCode: '78672',
        country: 'US',
        geo: null,
      },
      currency: 'USD',
      balance: 0,
    });
    expect(mapped('customer', 0, (c) => (c['isArchived'] = true))).toMatchObject({
      active: false,
      deletedAt: null,
    });
    expect(
      mapped('customer', 0, (c) => {
        c['isCompany'] = true;
        c['companyName'] = 'Baker Plumbing';
        c['firstName'] = '';
      }),
    ).toMatchObject({ type: 'commercial', companyName: 'Baker Plumbing', firstName: null });
  });

  it("carries a client's tags as Jobber holds them: labels trimmed, each once", () => {
    expect(mapped('customer', 1)).toMatchObject({
      displayName: 'Mark Young',
      tags: ['Maintenance plan', 'Referral'],
    });
    expect(mapped('customer', 0)).toMatchObject({ tags: [] });
    const labels =
      (...names: string[]) =>
      (c: Record<string, unknown>) =>
        (c['tags'] = {
          nodes: names.map((label) => ({ label })),
          pageInfo: { hasNextPage: false, endCursor: null },
        });
    expect(mapped('customer', 2, labels(' VIP ', 'VIP', '', 'Net 30'))).toMatchObject({
      tags: ['VIP', 'Net 30'],
    });
  });

  it('turns Float dollars into exact minor units, rounding half-up', () => {
    expect(mapped('customer', 0, (c) => (c['balance'] = 2.675))).toMatchObject({ balance: 2.68 });
    expect(mapped('customer', 0, (c) => (c['balance'] = 1.005))).toMatchObject({ balance: 1.01 });
    expect(mapped('customer', 0, (c) => (c['balance'] = -0.005))).toMatchObject({ balance: -0.01 });
    expect(mapped('customer', 0, (c) => (c['balance'] = 0.1 + 0.2))).toMatchObject({ balance: 0.3 });
  });

  it('maps a property with its client, geocode and tax rate', () => {
    expect(mapped('location', 0)).toMatchObject({
      customerId: id('customer', 'Z2lkOi8vSm9iYmVyL0NsaWVudC84MDAwMDAwMQ=='),
      address: { line1: '7030 Forest Dr', country: 'US', geo: { lat: 30.409279, lon: -97.818972 } },
      taxCode: 'Williamson County',
      createdAt: '2024-01-17T21:12:31Z',
      name: 'John Baker',
    });
    // A property without a name of its own (Jobber's name is optional).
    expect(mapped('location', 1)).toMatchObject({ name: null });
    expect(() => mapped('location', 0, (p) => (p['client'] = null))).toThrow(/has no client/);
  });

  it('maps jobs with their status, schedule, quote and the technicians of their visits', () => {
    const job = mapped('job', 0);
    expect(job).toMatchObject({
      number: '10002',
      status: 'completed',
      vendorStatus: 'requires_invoicing',
      scheduledStart: '2024-03-02T14:10:00Z',
      scheduledEnd: '2024-03-02T15:45:00Z',
      completedAt: '2024-03-02T16:24:00Z',
      estimateId: id('estimate', 'Z2lkOi8vSm9iYmVyL1F1b3RlLzE0MDAwMDAwMQ=='),
      technicianIds: [id('technician', 'Z2lkOi8vSm9iYmVyL1VzZXIvNjAwMDAwMDQ=')],
      total: 0,
    });
    expect(mapped('job', 1)).toMatchObject({ status: 'completed', vendorStatus: 'archived', total: 207.71 });
    expect(mapped('job', 1, (j) => (j['completedAt'] = null))).toMatchObject({ status: 'canceled' });
    // A CDT offset (-05:00) as well as CST.
    expect(mapped('job', 2)).toMatchObject({
      status: 'scheduled',
      vendorStatus: 'upcoming',
      scheduledStart: '2026-03-18T18:30:00Z',
      estimateId: null,
    });
  });

  it('maps visits to appointments with their assigned users', () => {
    expect(mapped('appointment', 0)).toMatchObject({
      status: 'completed',
      vendorStatus: 'COMPLETED',
      jobId: id('job', 'Z2lkOi8vSm9iYmVyL0pvYi8xMTAwMDAwMDI='),
      completedAt: '2024-03-02T15:45:00Z',
      updatedAt: '2024-03-02T15:45:00Z',
      technicianIds: [id('technician', 'Z2lkOi8vSm9iYmVyL1VzZXIvNjAwMDAwMDQ=')],
    });
    expect(
      mapped('appointment', 1, (v) => {
        v['visitStatus'] = 'UNSCHEDULED';
        v['startAt'] = null;
        v['endAt'] = null;
      }),
    ).toMatchObject({ status: 'unscheduled', scheduledStart: null, scheduledEnd: null });
  });

  it('maps invoices: totals, payments, status, local dates, lines, job and property', () => {
    const paid = mapped('invoice', 0);
    expect(paid).toMatchObject({
      number: '10001-1',
      status: 'paid',
      vendorStatus: 'paid',
      subtotal: 200.2,
      tax: 7.51,
      discount: 0,
      total: 207.71,
      amountPaid: 207.71,
      balance: 0,
      issuedDate: '2024-03-02',
      dueDate: '2024-03-02',
      paidAt: '2024-03-02T18:28:00Z',
      jobId: id('job', 'Z2lkOi8vSm9iYmVyL0pvYi8xMTAwMDAwMDE='),
      locationId: id('location', 'Z2lkOi8vSm9iYmVyL1Byb3BlcnR5LzkwMDAwMDA0'),
      memo: 'For Services Rendered',
    });
    expect(paid['lineItems']).toEqual([
      expect.objectContaining({
        kind: 'service',
        name: 'Diagnostic / Service Call',
        description: 'SVC-101',
        quantity: 1,
        unitPrice: 89,
        total: 89,
        position: 0,
        pricebookItemId: id('pricebook_item', 'Z2lkOi8vSm9iYmVyL1Byb2R1Y3RPclNlcnZpY2UvNzAwMDAwMDE='),
      }),
      expect.objectContaining({ kind: 'material', quantity: 4, unitPrice: 27.8, total: 111.2, position: 1 }),
    ]);
    expect(mapped('invoice', 1)).toMatchObject({
      status: 'partially_paid',
      vendorStatus: 'awaiting_payment',
      amountPaid: 306.16,
      balance: 343.84,
      paidAt: null,
    });
  });

  it('maps quotes, requests, payment records, users and products with canonical statuses', () => {
    expect(mapped('estimate', 0)).toMatchObject({
      number: '1',
      status: 'approved',
      total: 2850,
      jobId: null,
      soldByTechnicianId: id('technician', 'Z2lkOi8vSm9iYmVyL1VzZXIvNjAwMDAwMDE='),
    });
    expect(mapped('estimate', 1)).toMatchObject({
      status: 'declined',
      vendorStatus: 'archived',
      soldByTechnicianId: null,
    });
    expect(mapped('estimate', 2)).toMatchObject({ status: 'sent', vendorStatus: 'awaiting_response' });
    expect(mapped('lead', 0)).toMatchObject({
      status: 'converted',
      summary: 'Furnace Tune-Up options',
      source: 'Google Ads',
    });
    expect(mapped('lead', 1)).toMatchObject({ status: 'lost', vendorStatus: 'archived', source: 'Referral' });
    expect(mapped('lead', 1, (r) => (r['source'] = ' '))).toMatchObject({ source: null });
    expect(mapped('payment', 0)).toMatchObject({
      method: 'ach',
      vendorMethod: 'BANK_TRANSFER',
      status: 'captured',
      amount: 207.71,
      collectedAt: '2024-03-02T18:28:00Z',
      invoiceId: id('invoice', 'Z2lkOi8vSm9iYmVyL0ludm9pY2UvMTUwMDAwMDAx'),
    });
    expect(mapped('payment', 1)).toMatchObject({ method: 'card', amount: 16704.05 });
    expect(mapped('payment', 2)).toMatchObject({ method: 'check' });
    expect(mapped('technician', 0)).toMatchObject({
      name: 'David Baker',
      role: 'owner',
      email: 'dbaker@austincomfortpros.example.com',
      phone: '(737) 555-0445',
      active: true,
    });
    expect(mapped('technician', 1, (u) => (u['status'] = 'DEACTIVATED'))).toMatchObject({
      role: 'technician',
      active: false,
    });
    expect(mapped('pricebook_item', 0)).toMatchObject({
      kind: 'service',
      price: 89,
      cost: 22.25,
      durationMinutes: 60,
      createdAt: '1970-01-01T00:00:00Z',
    });
    expect(mapped('pricebook_item', 1)).toMatchObject({
      kind: 'material',
      category: 'PRODUCT',
      taxable: true,
    });
  });

  it('refuses a record that does not fit its wire schema, naming the field', () => {
    expect(() => mapped('invoice', 0, (i) => delete i['amounts'])).toThrow(/invoice record .*amounts/);
    expect(() => jobberMapper.toCanonical(recordOf('membership', { id: 'x' }), CTX)).toThrow(
      /does not read membership/,
    );
  });
});
