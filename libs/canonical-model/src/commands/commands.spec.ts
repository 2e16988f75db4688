import { createHash } from 'node:crypto';
import { fid, TENANT_ID, CONNECTION_ID } from '../__fixtures__/entities.fixture';
import { newCommandId } from '../ids/ulid-id.util';
import { COMMAND_TYPES, commandPayloadSchemas } from './command.schema';
import { idempotencyKeySchema } from './idempotency-key.schema';
import { parseCommand, ParseCommandResult } from './parse-command.util';

const envelope = () => ({
  commandId: newCommandId(),
  idempotencyKey: 'c1b8a3a0-7d2c-4f0b-9b7e-2d4b1f6a9e10',
  tenantId: TENANT_ID,
  connectionId: CONNECTION_ID,
  requestedAt: '2026-02-01T15:00:00Z',
});

const content = Buffer.from('hello photo');
const validPayloads: Record<(typeof COMMAND_TYPES)[number], unknown> = {
  'client.create': {
    displayName: 'Eastside Pediatrics',
    companyName: 'Eastside Pediatrics',
    primaryContact: { name: 'Dr. Alex Kim', email: 'alex.kim@example.com', phone: '+1-770-555-0134' },
    locations: [
      {
        name: 'Clinic',
        address: {
          line1: '1120 Medical Park Dr',
          line2: null,
          city: 'Atlanta',
          region: 'GA',
          postalCode: '30312',
          country: 'US',
          geo: null,
        },
      },
    ],
    tags: ['commercial', 'priority'],
    marketingOptIn: true,
  },
  'job.create': {
    customerId: fid('customer', '100'),
    locationId: fid('location', '200'),
    title: 'Water heater replacement',
    appointment: { scheduledStart: '2026-02-01T15:00:00Z', durationMinutes: 120 },
    technicianIds: [fid('technician', '300')],
    currency: 'USD',
    lineItems: [{ description: '50-gal water heater', quantity: 1, unitPrice: 999, taxCode: 'TAX' }],
    customFields: { parking_instructions: 'Use driveway' },
  },
  'job.dispatch': {
    jobId: fid('job', '400'),
    technicians: { mode: 'replace', technicianIds: [fid('technician', '300')] },
    window: { scheduledStart: '2026-02-01T15:00:00Z', scheduledEnd: '2026-02-01T17:00:00Z' },
  },
  'job.status.update': { jobId: fid('job', '400'), status: 'en_route', occurredAt: '2026-02-01T14:40:00Z' },
  'quote.create': {
    customerId: fid('customer', '100'),
    locationId: fid('location', '200'),
    currency: 'USD',
    validUntil: '2026-02-15',
    lineItems: [
      { description: 'HVAC maintenance visit', quantity: 1, unitPrice: 150, taxCode: 'GA_STATE' },
      { description: 'MERV-13 filters', quantity: 4, unitPrice: 25, taxCode: 'GA_STATE' },
    ],
    discount: { type: 'percent', percent: 10 },
    send: { email: true, recipients: ['office@example.com'] },
    attachmentIds: [fid('attachment', '1200')],
  },
  'quote.convert': { estimateId: fid('estimate', '500') },
  'invoice.create': {
    jobId: fid('job', '400'),
    currency: 'USD',
    lineItems: [{ description: 'Labor', quantity: 1.5, unitPrice: 150 }],
    discounts: [{ type: 'amount', amount: 25 }],
    taxes: [{ name: 'CA', ratePercent: 8.25 }],
    dueDate: '2026-03-03',
  },
  'payment.record': {
    invoiceId: fid('invoice', '600'),
    currency: 'USD',
    amount: 1403.0,
    method: 'card',
    tipAmount: 0,
    collectedAt: '2026-02-01T17:10:00Z',
    processor: 'workiz_pay',
    externalTransactionId: 'ch_1Ng8cYH',
    cardLast4: '4242',
    memo: 'Paid in full on site',
  },
  'payment.refund': { paymentId: fid('payment', '700'), currency: 'USD', amount: 20, reason: 'Goodwill' },
  'attachment.upload': {
    parentType: 'job',
    parentId: fid('job', '400'),
    kind: 'photo',
    fileName: 'before.jpg',
    contentType: 'image/jpeg',
    sizeBytes: content.length,
    checksumSha256: createHash('sha256').update(content).digest('hex'),
    content: { kind: 'inline', base64: content.toString('base64') },
  },
  'lead.create': {
    firstName: 'Wanda',
    lastName: 'Web',
    phone: '+1-512-555-0199',
    jobType: 'AC Repair',
    source: 'Website form',
    requestedStart: '2026-03-04T15:00:00Z',
    summary: 'AC not cooling upstairs',
  },
};

function failure(result: ParseCommandResult) {
  if (result.ok) throw new Error('expected the command to be rejected');
  return result;
}

function fieldsOf(type: string, payload: unknown): string[] {
  return failure(parseCommand({ ...envelope(), type, payload })).issues.map((issue) => issue.field);
}

describe('parseCommand', () => {
  it.each(COMMAND_TYPES)('accepts a valid %s command', (type) => {
    const result = parseCommand({ ...envelope(), type, payload: validPayloads[type] });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.command.type).toBe(type);
  });

  it.each(COMMAND_TYPES)('rejects an unknown payload field on %s, naming it', (type) => {
    expect(fieldsOf(type, { ...(validPayloads[type] as object), surprise: 1 })).toContain('payload.surprise');
  });

  it('rejects a lead without a name or a way to reach it, naming the field', () => {
    expect(fieldsOf('lead.create', { jobType: 'AC Repair', phone: '5125550199' })).toEqual([
      'payload.firstName',
    ]);
    expect(fieldsOf('lead.create', { jobType: 'AC Repair', companyName: 'Acme' })).toEqual(['payload.phone']);
  });

  it('rejects unknown envelope fields and unknown types', () => {
    const unknownField = failure(
      parseCommand({ ...envelope(), type: 'job.create', payload: validPayloads['job.create'], priority: 1 }),
    );
    expect(unknownField.issues.map((i) => i.field)).toEqual(['priority']);
    const unknownType = failure(parseCommand({ ...envelope(), type: 'job.delete', payload: {} }));
    expect(unknownType.issues[0]).toMatchObject({
      field: 'type',
      message: expect.stringMatching(/expected one of client.create/) as unknown,
    });
    expect(unknownType.commandId).toMatch(/^cmd_/);
  });

  it('names nested fields with their full path', () => {
    const payload = validPayloads['invoice.create'] as { lineItems: object[] };
    expect(
      fieldsOf('invoice.create', {
        ...payload,
        lineItems: [{ description: 'x', quantity: 1, unitPrice: 10.005 }],
      }),
    ).toEqual(['payload.lineItems[0].unitPrice']);
    expect(
      fieldsOf('invoice.create', {
        ...payload,
        lineItems: [{ description: 'x', quantity: 0, unitPrice: 1 }],
      }),
    ).toEqual(['payload.lineItems[0].quantity']);
  });

  it('never accepts a card number in a payment', () => {
    const payment = validPayloads['payment.record'] as object;
    expect(fieldsOf('payment.record', { ...payment, cardNumber: '4242424242424242' })).toContain(
      'payload.cardNumber',
    );
    expect(fieldsOf('payment.record', { ...payment, cardLast4: '424242' })).toContain('payload.cardLast4');
    expect(fieldsOf('payment.record', { ...payment, memo: 'pan 4242424242424242' })).toContain(
      'payload.memo',
    );
    expect(fieldsOf('payment.record', { ...payment, method: 'cash' })).toContain('payload.cardLast4');
    expect(fieldsOf('payment.record', { ...payment, amount: 0 })).toContain('payload.amount');
  });

  it('checks dispatch and status rules', () => {
    const jobId = fid('job', '400');
    expect(fieldsOf('job.dispatch', { jobId })).toEqual(['payload.technicians']);
    const dup = {
      jobId,
      technicians: { mode: 'assign', technicianIds: [fid('technician', '1'), fid('technician', '1')] },
    };
    expect(fieldsOf('job.dispatch', dup)).toEqual(['payload.technicians.technicianIds']);
    const backwards = {
      jobId,
      window: { scheduledStart: '2026-02-01T15:00:00Z', scheduledEnd: '2026-02-01T14:00:00Z' },
    };
    expect(fieldsOf('job.dispatch', backwards)).toEqual(['payload.window.scheduledEnd']);
    expect(fieldsOf('job.status.update', { jobId, status: 'canceled' })).toEqual(['payload.reason']);
    const parsed = parseCommand({
      ...envelope(),
      type: 'job.dispatch',
      payload: { jobId, technicians: { mode: 'unassign', technicianIds: [fid('technician', '1')] } },
    });
    expect(parsed.ok && parsed.command.type === 'job.dispatch' && parsed.command.payload.allowOverlap).toBe(
      false,
    );
  });

  it('checks job.create and attachment.upload consistency', () => {
    const job = validPayloads['job.create'] as Record<string, unknown>;
    expect(fieldsOf('job.create', { ...job, locationId: undefined })).toEqual(['payload.locationId']);
    expect(fieldsOf('job.create', { ...job, currency: undefined })).toEqual(['payload.currency']);
    const upload = validPayloads['attachment.upload'] as Record<string, unknown>;
    expect(fieldsOf('attachment.upload', { ...upload, checksumSha256: '0'.repeat(64) })).toEqual([
      'payload.checksumSha256',
    ]);
    expect(fieldsOf('attachment.upload', { ...upload, sizeBytes: 3 })).toEqual(['payload.sizeBytes']);
    expect(fieldsOf('attachment.upload', { ...upload, parentType: 'invoice' })).toEqual(['payload.parentId']);
    expect(
      fieldsOf('attachment.upload', { ...upload, content: { kind: 'url', url: 'http://x.example/a.jpg' } }),
    ).toEqual(['payload.content.url']);
  });

  it('never throws on garbage', () => {
    for (const garbage of [null, 42, 'x', [], { type: 'job.create' }]) {
      expect(parseCommand(garbage).ok).toBe(false);
    }
  });

  it('has a payload schema per command type', () => {
    expect(Object.keys(commandPayloadSchemas)).toEqual([...COMMAND_TYPES]);
  });
});

describe('idempotencyKeySchema', () => {
  it('accepts 1-255 printable ASCII characters', () => {
    expect(idempotencyKeySchema.safeParse('a').success).toBe(true);
    expect(idempotencyKeySchema.safeParse('k'.repeat(255)).success).toBe(true);
    expect(idempotencyKeySchema.safeParse('order 42 / retry #1').success).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['k'.repeat(256), 'too long'],
    ['café', 'non-ASCII'],
    ['a\nb', 'control char'],
    [' a', 'leading space'],
  ])('rejects %j (%s)', (key) => {
    expect(idempotencyKeySchema.safeParse(key).success).toBe(false);
  });
});
