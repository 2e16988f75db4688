import { randomBytes } from 'node:crypto';
import {
  canonicalId,
  commandSchema,
  customerSchema,
  jobSchema,
  Money,
  newCommandId,
  type Address,
  type Command,
  type CommandPayload,
  type CommandType,
  type Customer,
  type Job,
  type Vendor,
} from '@fieldsync/canonical-model';

/**
 * Canonical objects for specs, scoped to one tenant and connection. Every builder parses its result with
 * the canonical schema, so a factory that drifts from the model fails at once, naming the field.
 */
export interface CanonicalFactory {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  id(entity: Parameters<typeof canonicalId>[1], externalId: string): string;
  customer(overrides?: Partial<Customer>): Customer;
  job(overrides?: Partial<Job> & { lineItemPrices?: number[]; taxRatePercent?: number }): Job;
  command<T extends CommandType>(type: T, payload: CommandPayload<T>, overrides?: Partial<Command>): Command;
}

const ADDRESS: Address = {
  line1: '1427 Maple St',
  line2: null,
  city: 'San Diego',
  region: 'CA',
  postalCode: '92103',
  country: 'US',
  geo: null,
};

export function canonicalFactory(
  options: { tenantId?: string; connectionId?: string; vendor?: Vendor } = {},
): CanonicalFactory {
  const tenantId = options.tenantId ?? `ten_${randomBytes(4).toString('hex')}`;
  const connectionId = options.connectionId ?? `con_${randomBytes(4).toString('hex')}`;
  const vendor = options.vendor ?? 'servicetitan';
  let serial = 0;
  const nextExternalId = (): string => String(1000 + ++serial);
  const id: CanonicalFactory['id'] = (entity, externalId) => canonicalId(connectionId, entity, externalId);
  const base = (externalId: string) => ({
    vendor,
    externalId,
    connectionId,
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-11T09:30:00Z',
    deletedAt: null,
  });

  return {
    tenantId,
    connectionId,
    vendor,
    id,
    customer(overrides = {}) {
      const externalId = overrides.externalId ?? nextExternalId();
      return customerSchema.parse({
        ...base(externalId),
        id: id('customer', externalId),
        number: `C-${externalId}`,
        displayName: 'Alex Johnson',
        firstName: 'Alex',
        lastName: 'Johnson',
        companyName: null,
        type: 'residential',
        active: true,
        emails: [{ type: 'personal', address: `alex.${externalId}@example.com`, primary: true }],
        phones: [],
        billingAddress: ADDRESS,
        defaultLocationId: null,
        currency: 'USD',
        balance: 0,
        marketingOptIn: false,
        doNotService: false,
        leadSource: null,
        notes: null,
        tags: [],
        customFields: {},
        mergedIntoId: null,
        ...overrides,
      });
    },
    job(overrides = {}) {
      const { lineItemPrices = [100], taxRatePercent = 8.25, ...fields } = overrides;
      const externalId = fields.externalId ?? nextExternalId();
      // Totals computed in minor units, as connectors must: subtotal, tax half-up to the cent, total.
      const prices = lineItemPrices.map((p) => Money.fromAmount(p, 'USD'));
      const subtotal = Money.sum(prices, 'USD');
      const tax = subtotal.percentage(taxRatePercent);
      const total = subtotal.add(tax);
      return jobSchema.parse({
        ...base(externalId),
        id: id('job', externalId),
        number: externalId,
        title: 'No cooling',
        description: null,
        status: 'scheduled',
        vendorStatus: 'Scheduled',
        customerId: id('customer', '1'),
        locationId: id('location', '1'),
        serviceAddress: ADDRESS,
        jobType: 'Service',
        priority: 'normal',
        source: null,
        businessUnit: null,
        scheduledStart: '2026-02-01T15:00:00Z',
        scheduledEnd: '2026-02-01T17:00:00Z',
        technicianIds: [],
        estimateId: null,
        membershipId: null,
        completedAt: null,
        canceledAt: null,
        cancelReason: null,
        currency: 'USD',
        lineItems: prices.map((price, position) => ({
          id: id('line_item', `${externalId}-${position}`),
          externalId: `${externalId}-${position}`,
          kind: 'service',
          name: `Line ${position + 1}`,
          description: null,
          pricebookItemId: null,
          sku: null,
          quantity: 1,
          unit: null,
          unitPrice: price.toAmount(),
          unitCost: null,
          total: price.toAmount(),
          taxable: true,
          taxCode: null,
          position,
        })),
        subtotal: subtotal.toAmount(),
        tax: tax.toAmount(),
        total: total.toAmount(),
        amountPaid: 0,
        balance: total.toAmount(),
        notes: null,
        tags: [],
        customFields: {},
        ...fields,
      });
    },
    command(type, payload, overrides = {}) {
      const commandId = overrides.commandId ?? newCommandId();
      return commandSchema.parse({
        commandId,
        idempotencyKey: commandId,
        tenantId,
        connectionId,
        type,
        payload,
        requestedAt: new Date().toISOString(),
        ...overrides,
      });
    },
  };
}
