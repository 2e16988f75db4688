import {
  canonicalId,
  safeParseEntity,
  type Appointment,
  type Contact,
  type Customer,
  type EntityType,
  type Equipment,
  type Estimate,
  type Invoice,
  type Job,
  type Location,
  type Membership,
  type Payment,
  type PricebookItem,
} from '@fieldsync/canonical-model';
import type { VendorRecord } from '@fieldsync/connector-kit';
import rows from './__fixtures__/servicetitan-export-rows.json';
import { ServiceTitanMapper } from './servicetitan.mapper';

/* Rows recorded from the sandbox's ServiceTitan export feeds (`__fixtures__/`), through the mapper. */

type Row = Record<string, unknown> & { id: number };
const CTX = { tenantId: 'tenant-1', connectionId: 'conn-st-1' };
const mapper = new ServiceTitanMapper('USD');
const ref = (entity: EntityType, id: number) => canonicalId(CTX.connectionId, entity, String(id));

function record(entity: EntityType, raw: unknown, id: number, deleted = false) {
  return { kind: 'record', entity, externalId: String(id), raw, deleted } as const satisfies VendorRecord;
}

function find(list: Row[], id: number): Row {
  const row = list.find((r) => r.id === id);
  if (!row) throw new Error(`fixture row ${id} missing`);
  return row;
}

function map<T>(entity: EntityType, raw: unknown, id: number, deleted = false): T {
  const object = mapper.toCanonical(record(entity, raw, id, deleted), CTX);
  const parsed = safeParseEntity(entity, object);
  expect(parsed.error?.issues).toBeUndefined();
  return object as T;
}

/** A job record as the readers build it: the row and the tag types it names (none in the recording). */
function jobRaw(row: Row, tagTypes: { id: number; name: string; active: boolean }[] = []) {
  return { job: row, tagTypes };
}

/** An appointment record as the readers build it: the row without `active`, plus its live assignments. */
function appointmentRaw(row: Row) {
  const { active: _active, ...appointment } = row;
  const assignments = (rows['appointment-assignments'] as Row[])
    .filter((a) => a['appointmentId'] === row.id && a['active'] === true)
    .map(({ active: _a, ...a }) => a);
  return { appointment, assignments };
}

describe('ServiceTitanMapper', () => {
  it('maps every recorded row of every feed to an object its canonical schema accepts', () => {
    const simple: [keyof typeof rows, EntityType][] = [
      ['customers', 'customer'],
      ['locations', 'location'],
      ['contacts', 'contact'],
      ['technicians', 'technician'],
      ['jobs', 'job'],
      ['invoices', 'invoice'],
      ['payments', 'payment'],
      ['services', 'pricebook_item'],
      ['materials', 'pricebook_item'],
      ['equipment', 'pricebook_item'],
      ['memberships', 'membership'],
      ['installed-equipment', 'equipment'],
    ];
    let mapped = 0;
    for (const [feed, entity] of simple) {
      for (const row of rows[feed] as Row[]) {
        const raw = entity === 'job' ? jobRaw(row) : row;
        const object = map<{ id: string; externalId: string; vendor: string }>(entity, raw, row.id);
        expect(object).toMatchObject({
          id: ref(entity, row.id),
          externalId: String(row.id),
          vendor: 'servicetitan',
        });
        mapped += 1;
      }
    }
    for (const row of rows.appointments as Row[]) map('appointment', appointmentRaw(row), row.id);
    (rows.estimates as Row[]).forEach((estimate, i) =>
      map('estimate', { estimate, job: rows['estimate-jobs'][i] }, estimate.id),
    );
    expect(mapped).toBeGreaterThan(25);
  });

  it('invoices: decimal strings to exact amounts, balance → status, dates in UTC, lines with references', () => {
    const paid = map<Invoice>('invoice', find(rows.invoices, 150000001), 150000001);
    expect(paid).toMatchObject({
      number: '10002-1',
      status: 'paid',
      vendorStatus: 'Exported',
      customerId: ref('customer', 80000005),
      jobId: ref('job', 110000002),
      currency: 'USD',
      subtotal: 4191.5,
      discount: 0,
      tax: 267.42,
      total: 4458.92,
      amountPaid: 4458.92,
      balance: 0,
      issuedDate: '2024-03-02',
      dueDate: '2024-03-02',
      updatedAt: '2026-03-02T18:28:08.541Z',
      taxes: [{ name: 'Williamson County', ratePercent: 8.25, amount: 267.42 }],
    });
    expect(paid.lineItems).toHaveLength(4);
    expect(paid.lineItems[1]).toMatchObject({
      id: ref('line_item', 500000011),
      kind: 'material',
      sku: 'MAT-109',
      pricebookItemId: ref('pricebook_item', 70000031),
      quantity: 4,
      unitPrice: 64.5,
      total: 258,
      taxable: true,
      position: 1,
    });

    const partial = map<Invoice>('invoice', find(rows.invoices, 150000100), 150000100);
    expect(partial).toMatchObject({
      status: 'partially_paid',
      total: 390,
      amountPaid: 106.33,
      balance: 283.67,
    });
  });

  it('payments: method from the payment type, splits, a voided payment deleted', () => {
    const check = map<Payment>('payment', find(rows.payments, 160000004), 160000004, true);
    expect(check).toMatchObject({
      status: 'voided',
      vendorStatus: 'Voided',
      method: 'check',
      vendorMethod: 'Check',
      checkNumber: '7950',
      amount: 170,
      collectedAt: '2024-05-24T01:50:27.083Z',
      deletedAt: '2024-05-24T01:50:27.083Z',
      invoiceId: ref('invoice', 150000004),
    });
    const split = map<Payment>('payment', find(rows.payments, 160000093), 160000093);
    expect(split).toMatchObject({
      status: 'captured',
      method: 'card',
      amount: 42.43,
      invoiceId: null,
      deletedAt: null,
    });
    expect(split.appliedTo).toHaveLength(2);
    expect(split.appliedTo.every((a) => a.invoiceId.startsWith('inv_'))).toBe(true);
  });

  it('customers: a merged customer points at the survivor and is deleted; addresses to ISO countries', () => {
    const merged = map<Customer>('customer', find(rows.customers, 80000011), 80000011, true);
    expect(merged).toMatchObject({
      active: false,
      type: 'residential',
      mergedIntoId: ref('customer', 80000007),
      deletedAt: '2026-03-02T22:44:56.678Z',
      balance: 0,
      billingAddress: {
        line1: '9650 Park Ct',
        city: 'Leander',
        region: 'TX',
        postalCode: '78625',
        country: 'US',
        geo: { lat: 30.060414, lon: -97.460737 },
      },
    });
  });

  it('jobs and appointments: canonical status with the vendor status kept, technicians from assignments', () => {
    const job = map<Job>('job', jobRaw(find(rows.jobs, 110000001)), 110000001);
    expect(job).toMatchObject({
      number: '10001',
      status: 'completed',
      vendorStatus: 'Completed',
      priority: 'normal',
      completedAt: '2024-03-02T22:35:00Z',
      customerId: ref('customer', 80000004),
      locationId: ref('location', 90000004),
    });
    expect(map<Job>('job', jobRaw(find(rows.jobs as Row[], 110000003)), 110000003)).toMatchObject({
      status: 'canceled',
      vendorStatus: 'Canceled',
    });

    const done = map<Appointment>(
      'appointment',
      appointmentRaw(find(rows.appointments, 120000001)),
      120000001,
    );
    expect(done).toMatchObject({
      jobId: ref('job', 110000001),
      number: '10001-1',
      status: 'completed',
      vendorStatus: 'Done',
      scheduledStart: '2024-03-02T20:30:00Z',
      scheduledEnd: '2024-03-02T21:55:00Z',
      arrivalWindowStart: '2024-03-02T20:00:00Z',
      technicianIds: [ref('technician', 60000007)],
    });
  });

  it('jobs: tags named through the tag types the record carries, custom fields by label', () => {
    const row = {
      ...find(rows.jobs, 110000001),
      tagTypeIds: [301, 303, 301],
      customFields: [
        { typeId: 9001, name: 'Gate code', value: '4412' },
        { typeId: 9002, name: 'Parking', value: '' },
      ],
    };
    const tagTypes = [
      { id: 301, name: 'VIP', active: true },
      // A tag deactivated after it was set still names the job's tag.
      { id: 303, name: ' Second visit ', active: false },
    ];
    const job = map<Job>('job', jobRaw(row, tagTypes), row.id);
    expect(job.tags).toEqual(['VIP', 'Second visit']);
    expect(job.customFields).toEqual({ 'Gate code': '4412', Parking: '' });

    // A tag id whose tag type the record does not carry is drift, never a dropped tag.
    expect(() =>
      mapper.toCanonical(record('job', jobRaw(row, [tagTypes[0] as (typeof tagTypes)[0]]), row.id), CTX),
    ).toThrow(/tag type 303 is not in the tenant's tag types/);
  });

  it('customers and locations: custom fields keyed by label, by type id when there is none', () => {
    const customer = map<Customer>(
      'customer',
      {
        ...find(rows.customers, 80000001),
        customFields: [
          { typeId: 7001, name: 'Referral', value: 'Yelp' },
          { typeId: 7002, name: null, value: null },
        ],
      },
      80000001,
    );
    expect(customer.customFields).toEqual({ Referral: 'Yelp', '7002': null });
    expect(customer.tags).toEqual([]);
    const row = (rows.locations as Row[])[0] as Row;
    const location = map<Location>(
      'location',
      { ...row, customFields: [{ typeId: 7100, name: 'Dog on site', value: 'yes' }] },
      row.id,
    );
    expect(location.customFields).toEqual({ 'Dog on site': 'yes' });
  });

  it('invoices: price-modifier discounts itemised, the subtotal before them', () => {
    const coupon = map<Invoice>('invoice', find(rows.invoices, 150000004), 150000004);
    expect(coupon).toMatchObject({
      subtotal: 245,
      discount: 75,
      tax: 0,
      total: 170,
      discounts: [{ name: '$75 Off Coupon', percent: null, amount: 75 }],
    });
    expect(coupon.lineItems.map((line) => [line.kind, line.total])).toEqual([
      ['service', 245],
      ['discount', -75],
    ]);
  });

  it('estimates: totals from the lines, customer from the job, Sold → approved', () => {
    const sold = map<Estimate>(
      'estimate',
      { estimate: find(rows.estimates, 140000001), job: rows['estimate-jobs'][0] },
      140000001,
    );
    expect(sold).toMatchObject({
      status: 'approved',
      vendorStatus: 'Sold',
      customerId: ref('customer', 80000008),
      jobId: ref('job', 110000006),
      soldByTechnicianId: ref('technician', 60000005),
      subtotal: 13190,
      discount: 0,
      tax: 0,
      total: 13190,
      approvedAt: '2024-05-20T17:32:00Z',
      title: 'Furnace Tune-Up options',
      notes: 'Best',
    });
    expect(sold.lineItems[0]).toMatchObject({ kind: 'equipment', quantity: 2, unitPrice: 4650, total: 9300 });
  });

  it('pricebook, memberships, installed equipment and contacts', () => {
    const service = map<PricebookItem>('pricebook_item', find(rows.services, 70000001), 70000001);
    expect(service).toMatchObject({
      kind: 'service',
      code: 'SVC-101',
      price: 89,
      memberPrice: 75.65,
      zonePrices: null,
      cost: null,
      durationMinutes: 60,
    });
    const material = map<PricebookItem>('pricebook_item', find(rows.materials, 70000023), 70000023);
    expect(material).toMatchObject({ kind: 'material', cost: 21.18, price: 38.5 });
    const equipment = map<PricebookItem>('pricebook_item', find(rows.equipment, 70000039), 70000039);
    expect(equipment).toMatchObject({ kind: 'equipment', active: false, cost: 701.25, deletedAt: null });

    const canceled = map<Membership>('membership', find(rows.memberships, 170000002), 170000002);
    expect(canceled).toMatchObject({
      name: 'Total Home Plan',
      status: 'canceled',
      vendorStatus: 'Canceled',
      startDate: '2025-08-17',
      endDate: '2026-03-02',
      billingFrequency: 'monthly',
      canceledAt: '2026-03-02T19:10:38.336Z',
    });

    const gone = map<Equipment>('equipment', find(rows['installed-equipment'], 180000001), 180000001, true);
    expect(gone).toMatchObject({
      active: false,
      installedOn: '2024-10-14',
      warrantyExpiresOn: '2029-10-13',
      deletedAt: '2024-10-14T18:21:00Z',
    });

    const mobile = map<Contact>('contact', find(rows.contacts, 100000003), 100000003);
    expect(mobile.phones).toEqual([
      { type: 'mobile', number: '(512) 555-7874', e164: '+15125557874', extension: null, primary: false },
    ]);
    const email = map<Contact>('contact', find(rows.contacts, 100000002), 100000002);
    expect(email).toMatchObject({
      emails: [{ type: 'other', address: 'ap@redwoodofficepark.example.com', primary: false }],
      phones: [],
      notes: 'Accounts payable',
      customerId: ref('customer', 80000001),
    });
  });

  it('ids are deterministic per connection', () => {
    const row = find(rows.customers, 80000001);
    const a = mapper.toCanonical(record('customer', row, row.id), CTX);
    const b = mapper.toCanonical(record('customer', row, row.id), CTX);
    const other = mapper.toCanonical(record('customer', row, row.id), { ...CTX, connectionId: 'conn-st-2' });
    expect(a.id).toBe(b.id);
    expect(other.id).not.toBe(a.id);
  });

  it('refuses a payload that does not fit the wire schema, naming the field', () => {
    const { doNotMail: _gone, ...row } = find(rows.customers, 80000001);
    expect(() => mapper.toCanonical(record('customer', { ...row, doNotEmail: true }, row.id), CTX)).toThrow(
      /doNotMail/,
    );
  });
});
