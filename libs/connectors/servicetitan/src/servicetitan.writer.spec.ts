import { canonicalId, commandPayloadSchemas, type CommandType } from '@fieldsync/canonical-model';
import { uncarriedFields } from '@fieldsync/connector-kit';
import { servicetitanWriteSide } from './servicetitan.writer';

/*
 * What each ServiceTitan write carries and what the writer refuses by name before calling ServiceTitan:
 * every field of every command payload, filled in, against the write's `carries` (the same check the
 * writer makes with `uncarriedFields`). The payloads parse with the commands' schemas, so every field
 * here is a real one.
 */

const id = (entity: Parameters<typeof canonicalId>[1], n: number) =>
  canonicalId('conn-st-1', entity, String(n));
const address = {
  line1: '12 Writer Way',
  line2: 'Suite 4',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: { lat: 30.27, lon: -97.74 },
};
const window = {
  scheduledStart: '2026-03-05T15:00:00Z',
  durationMinutes: 90,
  arrivalWindowStart: '2026-03-05T14:00:00Z',
  arrivalWindowEnd: '2026-03-05T16:00:00Z',
};
const line = {
  pricebookItemId: id('pricebook_item', 70000001),
  sku: 'SVC-101',
  name: 'Tune-up',
  description: 'Annual tune-up',
  quantity: 1.5,
  unitPrice: 89,
  taxable: true,
  taxCode: 'TX',
};
const send = { email: true, recipients: ['ap@example.com'], sms: false };

/** Every field of each command's payload, and the fields ServiceTitan's write refuses, by path. */
const CASES: { type: CommandType; payload: Record<string, unknown>; refused: string[] }[] = [
  {
    type: 'client.create',
    payload: {
      displayName: 'Redwood Office Park',
      firstName: 'Riley',
      lastName: 'Reed',
      companyName: 'Redwood Office Park LLC',
      type: 'commercial',
      primaryContact: { name: 'Riley Reed', email: 'riley@example.com', phone: '512-555-0100' },
      billingAddress: address,
      locations: [{ name: 'HQ', address }],
      tags: ['VIP'],
      customFields: { Referral: 'Yelp' },
      marketingOptIn: false,
      notes: 'Gate code 4412',
    },
    refused: [
      'payload.firstName',
      'payload.lastName',
      'payload.companyName',
      'payload.tags',
      'payload.customFields',
      'payload.notes',
    ],
  },
  {
    type: 'job.create',
    payload: {
      customerId: id('customer', 80000001),
      locationId: id('location', 90000001),
      serviceAddress: address,
      title: 'Tune-up',
      description: 'Annual',
      jobType: 'Maintenance',
      priority: 'high',
      source: 'Yelp',
      businessUnit: 'HVAC',
      appointment: window,
      technicianIds: [id('technician', 60000001)],
      allowOverlap: false,
      currency: 'USD',
      lineItems: [line],
      tags: ['VIP'],
      customFields: { 'Gate code': '4412' },
      notes: 'Dog on site',
    },
    refused: ['payload.currency', 'payload.lineItems', 'payload.customFields', 'payload.notes'],
  },
  {
    type: 'job.dispatch',
    payload: {
      jobId: id('job', 110000001),
      appointmentId: id('appointment', 120000001),
      technicians: { mode: 'replace', technicianIds: [id('technician', 60000001)] },
      window,
      allowOverlap: true,
      notifyCustomer: true,
    },
    refused: ['payload.notifyCustomer'],
  },
  {
    type: 'job.status.update',
    payload: {
      jobId: id('job', 110000001),
      appointmentId: id('appointment', 120000001),
      status: 'on_hold',
      reason: 'Waiting on parts',
      occurredAt: '2026-03-05T15:00:00Z',
      note: 'Part ordered',
    },
    refused: ['payload.appointmentId'],
  },
  {
    type: 'quote.create',
    payload: {
      customerId: id('customer', 80000001),
      locationId: id('location', 90000001),
      jobId: id('job', 110000001),
      title: 'Replace condenser',
      currency: 'USD',
      validUntil: '2026-04-01',
      lineItems: [line],
      discount: { type: 'percent', percent: 10 },
      taxes: [{ name: 'Sales tax', ratePercent: 8.25 }],
      notes: 'Includes haul-away',
      send,
      attachmentIds: [id('attachment', 1)],
    },
    refused: [
      'payload.validUntil',
      'payload.lineItems[0].taxCode',
      'payload.discount',
      'payload.send',
      'payload.attachmentIds',
    ],
  },
  {
    type: 'quote.convert',
    payload: {
      estimateId: id('estimate', 140000001),
      optionExternalId: '140000001-1',
      appointment: window,
      technicianIds: [id('technician', 60000001)],
    },
    refused: ['payload.optionExternalId', 'payload.appointment', 'payload.technicianIds'],
  },
  {
    type: 'invoice.create',
    payload: {
      jobId: id('job', 110000001),
      currency: 'USD',
      lineItems: [line],
      discounts: [{ type: 'amount', amount: 10, name: 'Coupon' }],
      taxes: [{ name: 'Sales tax', ratePercent: 8.25 }],
      issuedDate: '2026-03-05',
      dueDate: '2026-04-04',
      memo: 'Thanks!',
      send,
    },
    refused: ['payload.lineItems[0].taxCode', 'payload.dueDate', 'payload.send'],
  },
  {
    type: 'payment.record',
    payload: {
      invoiceId: id('invoice', 150000001),
      currency: 'USD',
      amount: 100,
      tipAmount: 0,
      method: 'card',
      collectedAt: '2026-03-05T15:00:00Z',
      processor: 'Stripe',
      externalTransactionId: 'ch_123',
      cardLast4: '4242',
      cardBrand: 'Visa',
      memo: 'Deposit',
    },
    refused: ['payload.tipAmount', 'payload.processor', 'payload.cardLast4', 'payload.cardBrand'],
  },
  {
    type: 'payment.record',
    payload: {
      invoiceId: id('invoice', 150000001),
      currency: 'USD',
      amount: 100,
      method: 'check',
      checkNumber: '1042',
    },
    refused: [],
  },
];

describe('servicetitanWriteSide', () => {
  it.each(CASES.map((c) => [c.type, c] as const))(
    '%s carries what ServiceTitan takes and refuses the rest by name',
    (type, { payload, refused }) => {
      const parsed = commandPayloadSchemas[type].safeParse(payload);
      expect(parsed.error?.issues).toBeUndefined();
      const write = servicetitanWriteSide.writes[type];
      expect(write?.command).toBe(type);
      expect(uncarriedFields(write?.carries ?? [], parsed.data)).toEqual(refused);
    },
  );

  it('refuses a tip of any amount: ServiceTitan payments have no place for one', () => {
    const carries = servicetitanWriteSide.writes['payment.record']?.carries ?? [];
    const base = { invoiceId: id('invoice', 1), currency: 'USD', amount: 10, method: 'cash' };
    expect(uncarriedFields(carries, { ...base, tipAmount: 5 })).toEqual(['payload.tipAmount']);
    expect(uncarriedFields(carries, base)).toEqual([]);
  });
});
