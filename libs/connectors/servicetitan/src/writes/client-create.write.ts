import type { CommandOf } from '@fieldsync/canonical-model';
import { VendorWriteError, defineWrite } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { listAll } from '../servicetitan-list.util';
import { servicetitanCustomerSchema } from '../servicetitan.schemas';
import { parseRow, readBackCustomer } from './write-readback.util';
import { sameText, since, stAddress } from './write-values.util';

/*
 * client.create → crm `Customers_Create` (CreateCustomerRequest): name, type, doNotMail, the bill-to
 * address, locations (ServiceTitan needs at least one: the billing address when none is given) and
 * the primary contact's email and phone as contacts, its name as their memo. A customer has no place for
 * a marker, so `find` uses the natural key: name and address, created since the first attempt.
 *
 * Not carried, so refused by name: firstName, lastName and companyName (a ServiceTitan customer has one
 * `name`); tags (the create request has no tags, and the bulk `PUT /crm/v2/tenant/{t}/tags` would set tags
 * no customer row shows: CustomerResponse has no `tagTypeIds`, so the write could not read back what it
 * did and the canonical customer would contradict ServiceTitan); customFields (the request takes them by
 * custom field type id, and the published API has no list of a tenant's customer custom field types to
 * resolve names with); notes (a customer's notes are a separate resource the read side does not read).
 */

const client = new ServiceTitanClient();

type Payload = CommandOf<'client.create'>['payload'];

/** Vendor request field → command field, for ServiceTitan's refusals. */
const FIELDS = {
  name: 'payload.displayName',
  type: 'payload.type',
  address: 'payload.billingAddress',
  locations: 'payload.locations',
  contacts: 'payload.primaryContact',
} as const;

function contactsOf(p: Payload): { type: 'Email' | 'Phone'; value: string; memo: string }[] {
  const contact = p.primaryContact;
  if (contact === undefined) return [];
  if (contact.email === undefined && contact.phone === undefined) {
    // The contact's name is kept as the memo of its email or phone: alone it has nowhere to go.
    throw new VendorWriteError(
      'unsupported',
      "ServiceTitan keeps a contact's name only with its email or phone: give one of them",
      { field: 'payload.primaryContact.name' },
    );
  }
  return [
    ...(contact.email !== undefined
      ? [{ type: 'Email' as const, value: contact.email, memo: contact.name }]
      : []),
    ...(contact.phone !== undefined
      ? [{ type: 'Phone' as const, value: contact.phone, memo: contact.name }]
      : []),
  ];
}

export const clientCreateWrite = defineWrite('client.create', {
  carries: ['displayName', 'type', 'primaryContact', 'billingAddress', 'locations', 'marketingOptIn'],

  async find(ctx, command) {
    const p = command.payload;
    const address = p.billingAddress ?? p.locations?.[0]?.address;
    const rows = await listAll(client, ctx, 'crm', 'customers', {
      name: p.displayName,
      createdOnOrAfter: since(ctx),
      active: 'Any',
    });
    const match = rows
      .map((raw) => parseRow(servicetitanCustomerSchema, raw, 'customer'))
      .find(
        (c) =>
          sameText(c.name, p.displayName) &&
          (address === undefined ||
            (sameText(c.address.street, address.line1) &&
              sameText(c.address.zip, address.postalCode) &&
              sameText(c.address.city, address.city))),
      );
    return match ? readBackCustomer(ctx, match.id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    const billing = p.billingAddress ?? p.locations?.[0]?.address;
    if (billing === undefined) {
      throw new VendorWriteError('validation_failed', 'ServiceTitan needs an address for a customer', {
        field: 'payload.billingAddress',
      });
    }
    const contacts = contactsOf(p);
    const locations = (p.locations?.length ? p.locations : [{ address: billing }]).map((l) => ({
      name: ('name' in l && l.name) || p.displayName,
      address: stAddress(l.address),
    }));
    const created = (await client.post(
      ctx,
      'crm',
      'customers',
      {
        name: p.displayName,
        type: p.type === 'commercial' ? 'Commercial' : 'Residential',
        doNotMail: p.marketingOptIn === undefined ? false : !p.marketingOptIn,
        address: stAddress(billing),
        locations,
        contacts,
      },
      FIELDS,
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST customers: the answer has no id');
    return readBackCustomer(ctx, created.id);
  },
});
