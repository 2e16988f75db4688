import {
  canonicalId,
  commandSchema,
  newCommandId,
  type Command,
  type CommandResult,
  type CommandType,
  type EntityType,
} from '@fieldsync/canonical-model';
import { uncarriedFields } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
import {
  ChangeLog,
  TenantRepository,
  createDatabase,
  migrateToLatest,
  type DB,
} from '@fieldsync/persistence';
import { ConnectionRateLimiter } from '@fieldsync/platform';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { Registry } from 'prom-client';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { CommandExecutor, type WriterOptions } from './command-executor';
import { WriterMetrics } from './writer.metrics';

/*
 * Honest commands, proven over the declarations: for every command of every registered connector, every
 * payload field its write does not carry is answered `rejected` / `unsupported` naming that field, before
 * a session is asked for or a key taken (nothing reaches the vendor), through the real executor and the
 * real connectors. The fields come from payloads that fill every field of the command's schema.
 */

const TENANT = 'tnt_carried';
const id = (entity: EntityType, n = '1'): string => canonicalId('con_fixture', entity, n);
const address = {
  line1: '1 Main St',
  line2: 'Unit 2',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: { lat: 30.27, lon: -97.74 },
};
const line = {
  pricebookItemId: id('pricebook_item'),
  sku: 'SKU-1',
  name: 'Tune-up',
  description: 'Annual tune-up',
  quantity: 2,
  unitPrice: 89.5,
  taxable: true,
  taxCode: 'TX-STD',
};
const window = {
  scheduledStart: '2027-01-05T15:00:00.000Z',
  scheduledEnd: '2027-01-05T17:00:00.000Z',
  arrivalWindowStart: '2027-01-05T15:00:00.000Z',
  arrivalWindowEnd: '2027-01-05T16:00:00.000Z',
};
const send = { email: true, recipients: ['ops@example.com'], sms: true };

/** Payloads that fill every field of each command's schema (several where fields exclude each other). */
const FULL: { readonly [T in CommandType]?: readonly Record<string, unknown>[] } = {
  'client.create': [
    {
      displayName: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      companyName: 'Analytical Engines',
      type: 'commercial',
      primaryContact: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+15125550100' },
      billingAddress: address,
      locations: [{ name: 'Home', address }],
      tags: ['vip'],
      customFields: { gateCode: '1234' },
      marketingOptIn: true,
      notes: 'Prefers mornings',
    },
  ],
  'job.create': [
    {
      customerId: id('customer'),
      locationId: id('location'),
      serviceAddress: address,
      title: 'No cooling',
      description: 'Unit blows warm air',
      jobType: 'Repair',
      priority: 'high',
      source: 'Web',
      businessUnit: 'HVAC Service',
      appointment: window,
      technicianIds: [id('technician')],
      allowOverlap: true,
      currency: 'USD',
      lineItems: [line],
      tags: ['warranty'],
      customFields: { po: 'A-1' },
      notes: 'Dog in yard',
    },
    {
      customerId: id('customer'),
      locationId: id('location'),
      title: 'No cooling',
      appointment: { scheduledStart: window.scheduledStart, durationMinutes: 90 },
    },
  ],
  'job.dispatch': [
    {
      jobId: id('job'),
      appointmentId: id('appointment'),
      technicians: { mode: 'replace', technicianIds: [id('technician')] },
      window,
      allowOverlap: true,
      notifyCustomer: true,
    },
    { jobId: id('job'), window: { scheduledStart: window.scheduledStart, durationMinutes: 60 } },
  ],
  'job.status.update': [
    {
      jobId: id('job'),
      appointmentId: id('appointment'),
      status: 'canceled',
      reason: 'Customer canceled',
      occurredAt: '2027-01-05T15:00:00.000Z',
      note: 'Called in',
    },
  ],
  'quote.create': [
    {
      customerId: id('customer'),
      locationId: id('location'),
      jobId: id('job'),
      title: 'Replace condenser',
      currency: 'USD',
      validUntil: '2027-02-01',
      lineItems: [line],
      discount: { type: 'percent', percent: 10, name: 'Loyalty' },
      taxes: [{ name: 'State', ratePercent: 6.25 }],
      notes: 'Includes haul-away',
      send,
      attachmentIds: [id('attachment')],
    },
    {
      customerId: id('customer'),
      currency: 'USD',
      lineItems: [line],
      discount: { type: 'amount', amount: 25, name: 'Coupon' },
    },
  ],
  'quote.convert': [
    {
      estimateId: id('estimate'),
      optionExternalId: 'opt-1',
      appointment: window,
      technicianIds: [id('technician')],
    },
  ],
  'invoice.create': [
    {
      jobId: id('job'),
      currency: 'USD',
      lineItems: [line],
      discounts: [
        { type: 'percent', percent: 5, name: 'Senior' },
        { type: 'amount', amount: 10, name: 'Coupon' },
      ],
      taxes: [{ name: 'State', ratePercent: 6.25 }],
      issuedDate: '2027-01-05',
      dueDate: '2027-02-04',
      memo: 'Thanks',
      send,
    },
  ],
  'payment.record': [
    {
      invoiceId: id('invoice'),
      currency: 'USD',
      amount: 100,
      tipAmount: 15,
      method: 'card',
      collectedAt: '2027-01-05T18:00:00.000Z',
      processor: 'Stripe',
      externalTransactionId: 'ch_123',
      cardLast4: '4242',
      cardBrand: 'visa',
      memo: 'Paid on site',
    },
    { invoiceId: id('invoice'), currency: 'USD', amount: 100, method: 'check', checkNumber: '1001' },
  ],
  'lead.create': [
    {
      firstName: 'Ada',
      lastName: 'Lovelace',
      companyName: 'Analytical Engines',
      email: 'ada@example.com',
      phone: '+15125550100',
      address,
      customerId: id('customer'),
      jobType: 'Repair',
      source: 'Phone call',
      requestedStart: '2027-01-05T15:00:00.000Z',
      summary: 'Missed call: no cooling',
      tags: ['vip'],
    },
  ],
};

function isValid(type: CommandType, payload: unknown): boolean {
  return commandSchema.safeParse({
    commandId: newCommandId(),
    idempotencyKey: 'probe',
    tenantId: TENANT,
    connectionId: 'con_probe',
    type,
    payload,
    requestedAt: new Date().toISOString(),
  }).success;
}

/** `payload` cut down to what `carries` covers, plus the one field at `keep` (a `payload.…` path). */
function carriedPlus(carries: readonly string[], payload: Record<string, unknown>, keep: string): unknown {
  const keepPath = keep.replace(/^payload\./, '');
  const visit = (value: unknown, pattern: string, path: string): unknown => {
    if (carries.includes(pattern) || carries.includes(`${pattern}[]`) || path === keepPath) return value;
    if (Array.isArray(value)) {
      const kept = value.map((v, i) => visit(v, `${pattern}[]`, `${path}[${i}]`));
      return kept.some((v) => v !== undefined) ? kept : undefined;
    }
    if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value)
        .map(([k, v]) => [k, visit(v, pattern ? `${pattern}.${k}` : k, path ? `${path}.${k}` : k)] as const)
        .filter(([, v]) => v !== undefined);
      return entries.length > 0 || pattern === '' ? Object.fromEntries(entries) : undefined;
    }
    return undefined;
  };
  return visit(payload, '', '');
}

describe('a command with a field its vendor cannot carry (every such field, every command, every vendor)', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let executor: CommandExecutor;
  const results: CommandResult[] = [];
  let vendorReached = 0;

  const options: WriterOptions = {
    workerId: 'carried-spec',
    idempotencyTtlMs: 60_000,
    inFlightWaitMs: 0,
    leaseMs: 5_000,
    maxAttempts: 1,
    retryBaseMs: 1,
    retryMaxMs: 1,
    maxRetryAfterMs: 1,
    vendorTimeoutMs: 1_000,
    crashAfterVendorWrite: 0,
  };

  beforeAll(async () => {
    database = await createTestDatabase('writer_carried');
    db = createDatabase({ url: database.url, poolMax: 4 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: TENANT, name: 'Carried' });
    await db
      .insertInto('connections')
      .values(
        CONNECTORS.vendors.map((vendor) => ({
          id: `con_${vendor}`,
          tenant_id: TENANT,
          vendor,
          portal_url: `https://${vendor}.test`,
          username: 'ops',
          status: 'active',
        })),
      )
      .execute();
    executor = new CommandExecutor({
      db,
      keys: new IdempotencyRepository(db),
      changeLog: new ChangeLog(db),
      connectors: CONNECTORS,
      sessions: {
        acquire: () => {
          vendorReached += 1;
          return Promise.reject(new Error('a refused command must not ask for a session'));
        },
        invalidate: () => Promise.resolve(undefined),
      },
      limiter: new ConnectionRateLimiter(1_000),
      publishResult: async (_tenant, result) => {
        results.push(result);
      },
      metrics: new WriterMetrics(new Registry()),
      options,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /**
   * One case per uncarried field: the payload cut to what the write carries plus that field alone; where
   * the schema needs a companion the write does not carry either (currency with line items, both ends of
   * an arrival window, a reason for a cancellation), the full payload, whose first uncarried field is
   * named in `field` and every one in the message.
   */
  const cases = CONNECTORS.connectors.flatMap((connector) =>
    (Object.entries(connector.writeSide.writes) as [CommandType, { carries: readonly string[] }][]).flatMap(
      ([type, write]) =>
        (FULL[type] ?? []).flatMap((full) => {
          const uncarried = uncarriedFields(write.carries, full);
          return uncarried.map((field) => {
            const alone = carriedPlus(write.carries, full, field);
            const valid = isValid(type, alone);
            return {
              vendor: connector.descriptor.vendor,
              type,
              field,
              payload: valid ? alone : full,
              named: valid ? field : (uncarried[0] ?? field),
            };
          });
        }),
    ),
  );

  it('has a full payload for every command some connector writes, and finds uncarried fields', () => {
    for (const connector of CONNECTORS.connectors) {
      for (const type of Object.keys(connector.writeSide.writes))
        expect([type, FULL[type as CommandType]?.length ?? 0]).not.toEqual([type, 0]);
    }
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [`${c.vendor} ${c.type} ${c.field}`, c] as const))('%s', async (_name, c) => {
    const command: Command = commandSchema.parse({
      commandId: newCommandId(),
      idempotencyKey: `carried-${c.vendor}-${c.type}-${c.field}`,
      tenantId: TENANT,
      connectionId: `con_${c.vendor}`,
      type: c.type,
      payload: c.payload,
      requestedAt: new Date().toISOString(),
    });
    const before = results.length;
    const disposition = await executor.execute(command, {
      deliveryCount: 1,
      maxDeliver: 5,
      signal: new AbortController().signal,
    });
    expect(disposition).toEqual({ kind: 'ack' });
    expect(results.slice(before)).toEqual([
      expect.objectContaining({
        commandId: command.commandId,
        status: 'rejected',
        error: expect.objectContaining({
          code: 'unsupported',
          field: c.named,
          retriable: false,
          message: expect.stringContaining(c.field) as unknown,
        }) as unknown,
      }),
    ]);
    expect(vendorReached).toBe(0);
    const keys = await db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', command.idempotencyKey)
      .execute();
    expect(keys).toEqual([]);
  });
});
