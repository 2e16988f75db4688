import {
  canonicalId,
  commandPayloadSchemas,
  type CommandPayload,
  type CommandType,
  type EntityType,
} from '@fieldsync/canonical-model';
import { uncarriedFields } from '@fieldsync/connector-kit';
import { jobberWriteSide } from './jobber.writer';

/*
 * What each Jobber write carries, field by field: a payload using every field the command allows gives
 * exactly the fields Jobber's mutations do not take, which the writer refuses by name before calling
 * Jobber (nothing is dropped silently). Each payload is a valid command payload first.
 */

const id = (entity: EntityType, n: number) => canonicalId('conn-1', entity, String(n));
const ADDRESS = {
  line1: '12 Juniper Row',
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
};
const WINDOW = {
  scheduledStart: '2026-06-01T15:00:00Z',
  scheduledEnd: '2026-06-01T17:00:00Z',
  arrivalWindowStart: '2026-06-01T15:00:00Z',
  arrivalWindowEnd: '2026-06-01T16:00:00Z',
};
const LINE = {
  pricebookItemId: id('pricebook_item', 1),
  sku: 'HP-3T',
  name: 'Heat pump',
  description: '3 ton',
  quantity: 1,
  unitPrice: 4200,
  taxable: true,
  taxCode: 'TX',
};
const SEND = { email: true, recipients: ['ines@example.com'] };

function refused<T extends CommandType>(type: T, payload: CommandPayload<T>): string[] {
  const parsed = commandPayloadSchemas[type].safeParse(payload);
  expect(parsed.error).toBeUndefined();
  const write = jobberWriteSide.writes[type];
  if (!write) throw new Error(`no Jobber write for ${type}`);
  return uncarriedFields(write.carries, parsed.data);
}

describe('Jobber writes: the payload fields they carry', () => {
  it('client.create: names, contact, addresses and tags; not custom fields, notes, opt-in or location names', () => {
    expect(
      refused('client.create', {
        displayName: 'Ines Okafor',
        firstName: 'Ines',
        lastName: 'Okafor',
        companyName: 'Okafor Farms',
        type: 'residential',
        primaryContact: { name: 'Ines Okafor', email: 'ines@example.com', phone: '512-555-0100' },
        billingAddress: ADDRESS,
        locations: [{ name: 'Farm', address: ADDRESS }],
        tags: ['VIP'],
        customFields: { gate: '4411' },
        marketingOptIn: false,
        notes: 'Dog in yard',
      }),
    ).toEqual([
      'payload.locations[0].name',
      'payload.customFields',
      'payload.marketingOptIn',
      'payload.notes',
    ]);
  });

  it('job.create: property, title, instructions, schedule and crew; not priority, source, tags, lines', () => {
    expect(
      refused('job.create', {
        customerId: id('customer', 1),
        locationId: id('location', 1),
        title: 'Heat pump install',
        description: 'Side gate code 4411',
        jobType: 'ONE_OFF',
        priority: 'high',
        source: 'Google',
        businessUnit: 'Install',
        appointment: WINDOW,
        technicianIds: [id('technician', 1)],
        allowOverlap: true,
        currency: 'USD',
        lineItems: [LINE],
        tags: ['Warranty'],
        customFields: { permit: 'P-1' },
        notes: 'Bring ladder',
      }),
    ).toEqual([
      'payload.priority',
      'payload.source',
      'payload.businessUnit',
      'payload.appointment.arrivalWindowStart',
      'payload.appointment.arrivalWindowEnd',
      'payload.lineItems',
      'payload.tags',
      'payload.customFields',
      'payload.notes',
    ]);
  });

  it('job.dispatch: visit, crew, window and the overlap; not the arrival window or a notification', () => {
    expect(
      refused('job.dispatch', {
        jobId: id('job', 1),
        appointmentId: id('appointment', 1),
        technicians: { mode: 'replace', technicianIds: [id('technician', 2)] },
        window: WINDOW,
        allowOverlap: false,
        notifyCustomer: true,
      }),
    ).toEqual([
      'payload.window.arrivalWindowStart',
      'payload.window.arrivalWindowEnd',
      'payload.notifyCustomer',
    ]);
  });

  it('job.status.update: the job and its status; jobClose takes no visit, reason, time or note', () => {
    expect(
      refused('job.status.update', {
        jobId: id('job', 1),
        appointmentId: id('appointment', 1),
        status: 'completed',
        reason: 'done early',
        occurredAt: '2026-06-01T17:00:00Z',
        note: 'Customer signed off',
      }),
    ).toEqual(['payload.appointmentId', 'payload.reason', 'payload.occurredAt', 'payload.note']);
  });

  it('quote.create: job, title and lines; not validity, discount, taxes, notes, sending or attachments', () => {
    expect(
      refused('quote.create', {
        customerId: id('customer', 1),
        locationId: id('location', 1),
        jobId: id('job', 1),
        title: 'Options',
        currency: 'USD',
        validUntil: '2026-07-01',
        lineItems: [LINE],
        discount: { type: 'percent', percent: 5 },
        taxes: [{ name: 'Sales tax', ratePercent: 8.25 }],
        notes: 'Good for 30 days',
        send: SEND,
        attachmentIds: [id('attachment', 1)],
      }),
    ).toEqual([
      'payload.validUntil',
      'payload.lineItems[0].sku',
      'payload.lineItems[0].taxCode',
      'payload.discount',
      'payload.taxes',
      'payload.notes',
      'payload.send',
      'payload.attachmentIds',
    ]);
  });

  it('quote.convert: the quote, schedule and crew; not an option or an arrival window', () => {
    expect(
      refused('quote.convert', {
        estimateId: id('estimate', 1),
        optionExternalId: 'opt-1',
        appointment: WINDOW,
        technicianIds: [id('technician', 1)],
      }),
    ).toEqual([
      'payload.optionExternalId',
      'payload.appointment.arrivalWindowStart',
      'payload.appointment.arrivalWindowEnd',
    ]);
  });

  it('invoice.create: job, lines, taxes, due date and memo; not discounts, an issued date or sending', () => {
    expect(
      refused('invoice.create', {
        jobId: id('job', 1),
        currency: 'USD',
        lineItems: [LINE],
        discounts: [{ type: 'amount', amount: 50 }],
        taxes: [{ name: 'Sales tax', ratePercent: 8.25 }],
        issuedDate: '2026-06-01',
        dueDate: '2026-06-15',
        memo: 'Thank you',
        send: SEND,
      }),
    ).toEqual([
      'payload.lineItems[0].sku',
      'payload.lineItems[0].taxCode',
      'payload.discounts',
      'payload.issuedDate',
      'payload.send',
    ]);
  });

  it('payment.record: every field, the references written into the payment details', () => {
    expect(
      refused('payment.record', {
        invoiceId: id('invoice', 1),
        currency: 'USD',
        amount: 100,
        tipAmount: 5,
        method: 'card',
        collectedAt: '2026-06-01T17:00:00Z',
        processor: 'Stripe',
        externalTransactionId: 'ch_1',
        cardLast4: '4242',
        cardBrand: 'Visa',
        memo: 'Deposit',
      }),
    ).toEqual([]);
  });

  it('declares no write for the commands Jobber takes through none of them', () => {
    expect(Object.keys(jobberWriteSide.writes).sort()).toEqual([
      'client.create',
      'invoice.create',
      'job.create',
      'job.dispatch',
      'job.status.update',
      'payment.record',
      'quote.convert',
      'quote.create',
    ]);
  });
});
