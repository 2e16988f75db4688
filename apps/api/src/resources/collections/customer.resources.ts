import { z } from 'zod';
import { defineResource } from '../resource.types';
import {
  addressOf,
  addressSchema,
  amountSchema,
  dateField,
  emailAddresses,
  geocodeSchema,
  phoneNumbers,
  provenance,
  provenanceShape,
} from './shared-fields.schema';

const customerItemSchema = z
  .strictObject({
    customerId: z.string(),
    number: z.string().nullable(),
    name: z.string(),
    type: z.enum(['residential', 'commercial']).nullable(),
    active: z.boolean(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    address: addressSchema.nullable(),
    balance: amountSchema.nullable(),
    currency: z.string(),
    locations: z.array(
      z.strictObject({ locationId: z.string(), name: z.string().nullable(), address: addressSchema }),
    ),
    memberships: z.array(
      z.strictObject({
        membershipId: z.string(),
        name: z.string(),
        status: z.string(),
        startDate: dateField.nullable(),
        endDate: dateField.nullable(),
      }),
    ),
    tags: z.array(z.string()),
    ...provenanceShape,
  })
  .meta({ id: 'Customer' });

/** `GET /customers`: customers with nested locations and membership summaries. */
export const customersResource = defineResource({
  name: 'customers',
  entity: 'customer',
  idField: 'customerId',
  summary: 'Customers with their service locations and membership summaries',
  item: customerItemSchema,
  filters: ['tag', 'city', 'region', 'updatedFrom', 'updatedTo'],
  async project(customers, related) {
    const ids = customers.map((c) => c.id);
    const [locations, memberships] = await Promise.all([
      related.byColumn('location', 'customer_id', ids),
      related.byColumn('membership', 'customer_id', ids),
    ]);
    return customers.map((c) => ({
      customerId: c.id,
      number: c.number,
      name: c.displayName,
      type: c.type,
      active: c.active,
      emails: emailAddresses(c.emails),
      phones: phoneNumbers(c.phones),
      address: addressOf(c.billingAddress),
      balance: c.balance,
      currency: c.currency,
      locations: (locations.get(c.id) ?? []).map((l) => ({
        locationId: l.id,
        name: l.name,
        address: addressOf(l.address),
      })),
      memberships: (memberships.get(c.id) ?? []).map((m) => ({
        membershipId: m.id,
        name: m.name,
        status: m.status,
        startDate: m.startDate,
        endDate: m.endDate,
      })),
      tags: c.tags,
      ...provenance(c),
    }));
  },
});

const clientItemSchema = z
  .strictObject({
    clientId: z.string(),
    displayName: z.string(),
    organizationName: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(z.strictObject({ type: z.string(), number: z.string() })),
    defaultPropertyId: z.string().nullable(),
    billingAddress: addressSchema.nullable(),
    properties: z.array(
      z.strictObject({
        propertyId: z.string(),
        label: z.string().nullable(),
        address: addressSchema,
        geocode: geocodeSchema.nullable(),
      }),
    ),
    marketingOptIn: z.boolean().nullable(),
    tags: z.array(z.string()),
    ...provenanceShape,
  })
  .meta({ id: 'Client' });

/** `GET /clients`: the same customers in the clients-and-properties shape. */
export const clientsResource = defineResource({
  name: 'clients',
  entity: 'customer',
  idField: 'clientId',
  summary: 'Clients with their properties',
  item: clientItemSchema,
  filters: ['tag', 'city', 'region', 'updatedFrom', 'updatedTo'],
  async project(customers, related) {
    const properties = await related.byColumn(
      'location',
      'customer_id',
      customers.map((c) => c.id),
    );
    return customers.map((c) => ({
      clientId: c.id,
      displayName: c.displayName,
      organizationName: c.companyName,
      emails: emailAddresses(c.emails),
      phones: c.phones.map((p) => ({ type: p.type, number: p.number })),
      defaultPropertyId: c.defaultLocationId,
      billingAddress: addressOf(c.billingAddress),
      properties: (properties.get(c.id) ?? []).map((l) => ({
        propertyId: l.id,
        label: l.name,
        address: addressOf(l.address),
        geocode: l.address.geo,
      })),
      marketingOptIn: c.marketingOptIn,
      tags: c.tags,
      ...provenance(c),
    }));
  },
});
