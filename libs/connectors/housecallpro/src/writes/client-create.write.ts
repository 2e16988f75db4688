import type { CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  VendorWriteError,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { refusalsMapped, type FieldMap } from './write-errors.util';
import {
  client,
  createdSince,
  customerRecords,
  readCustomer,
  type CustomerRead,
} from './write-readback.util';
import { digits, hcpAddress, idOf, norm, sameAddress } from './write-values.util';

/*
 * client.create → `POST /customers` (CustomerCreate: first_name, last_name or company, email,
 * mobile_number, tags, addresses with their type), then `POST /customers/{id}/addresses` for any service
 * address the customer does not have yet (a retry after a crash between the two adds the rest).
 *
 * A residential customer is a person (first and last name; from `displayName` when the command gives
 * neither); a commercial one is its company (`companyName`, else `displayName`), and a contact person of
 * a company is not written (`payload.firstName` / `payload.lastName` refused). The customer is its own
 * primary contact: the contact's email and phone (`mobile_number`) are the customer's, and a contact
 * of another name is refused (`payload.primaryContact.name`). `billingAddress` is the billing address,
 * each location's address a service address; a customer given only a billing address is served there
 * too (Housecall Pro lists it as a service address as well). Not carried (refused by name): a location's
 * name (Housecall Pro's addresses have none), notes and the lead source (the sandbox does not model
 * them), custom fields, a marketing opt-in (`notifications_enabled` is service notifications).
 *
 * Exactly-once by natural key (documented, as no free-text field of a customer survives in the sandbox
 * for a marker): `find` looks among the customers created since the command's first attempt for the name
 * Housecall Pro shows and, when given, the primary email or phone.
 */

type Payload = CommandOf<'client.create'>['payload'];

const FIELDS: FieldMap = {
  first_name: 'payload.firstName',
  last_name: 'payload.lastName',
  company: 'payload.companyName',
  email: 'payload.primaryContact.email',
  mobile_number: 'payload.primaryContact.phone',
  tags: 'payload.tags',
  addresses: 'payload.billingAddress',
};

interface Names {
  readonly isCompany: boolean;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly company?: string;
  /** The name Housecall Pro shows: the company, or first and last name. */
  readonly name: string;
}

function names(p: Payload): Names {
  const isCompany =
    p.type === 'commercial' ||
    (p.type === undefined && p.companyName !== undefined && !p.firstName && !p.lastName);
  if (isCompany) {
    for (const field of ['firstName', 'lastName'] as const) {
      if (p[field]) {
        throw new VendorWriteError(
          'unsupported',
          "a Housecall Pro company customer is its company: a contact person's name is not written",
          { field: `payload.${field}` },
        );
      }
    }
    const company = p.companyName ?? p.displayName;
    return { isCompany, company, name: company };
  }
  if (p.companyName !== undefined) {
    throw new VendorWriteError(
      'unsupported',
      "a residential Housecall Pro customer has no company (type: 'commercial' makes a company customer)",
      { field: 'payload.companyName' },
    );
  }
  let { firstName, lastName } = p;
  if (!firstName && !lastName) {
    const space = p.displayName.indexOf(' ');
    firstName = space < 0 ? p.displayName : p.displayName.slice(0, space);
    lastName = space < 0 ? undefined : p.displayName.slice(space + 1);
  }
  return {
    isCompany,
    ...(firstName ? { firstName } : {}),
    ...(lastName ? { lastName } : {}),
    name: [firstName, lastName].filter(Boolean).join(' '),
  };
}

/** The primary contact's name, honoured only as the customer's own. */
function assertContactIsCustomer(p: Payload, n: Names): void {
  const contact = p.primaryContact?.name;
  if (contact === undefined || norm(contact) === norm(n.name) || norm(contact) === norm(p.displayName))
    return;
  throw new VendorWriteError(
    'unsupported',
    `a Housecall Pro customer is its own primary contact (${n.name}); a contact of another name is not written`,
    { field: 'payload.primaryContact.name' },
  );
}

/** The service addresses the customer lacks of the command's locations, added one by one. */
async function ensureAddresses(ctx: WriteContext, p: Payload, read: CustomerRead): Promise<boolean> {
  const services = read.customer.addresses.filter((a) => a.type === 'service');
  const missing = (p.locations ?? [])
    .map((l, index) => ({ address: l.address, index }))
    .filter(({ address }) => !services.some((s) => sameAddress(s, address)));
  for (const { address, index } of missing) {
    const field = `payload.locations[${String(index)}].address`;
    await refusalsMapped({ street: field, city: field, state: field, zip: field, address: field }, () =>
      client.send(
        ctx,
        'POST',
        `/customers/${encodeURIComponent(read.customer.id)}/addresses`,
        hcpAddress(address, field),
      ),
    );
  }
  return missing.length > 0;
}

async function outcome(
  ctx: WriteContext,
  p: Payload,
  first: CustomerRead,
): Promise<WriteOutcome<'client.create'>> {
  const read = (await ensureAddresses(ctx, p, first)) ? await readCustomer(ctx, first.customer.id) : first;
  const locations = read.records.filter((r) => r.entity === 'location');
  return {
    records: read.records,
    result: {
      customerId: idOf(ctx, 'customer', read.customer.id),
      locationIds: locations.map((l) => idOf(ctx, 'location', l.externalId)),
    },
  };
}

export const clientCreateWrite = defineWrite('client.create', {
  carries: [
    'displayName',
    'firstName',
    'lastName',
    'companyName',
    'type',
    'primaryContact.name',
    'primaryContact.email',
    'primaryContact.phone',
    'billingAddress',
    'locations[].address',
    'tags',
  ],

  async find(ctx, command) {
    const p = command.payload;
    const n = names(p);
    const email = norm(p.primaryContact?.email);
    const phone = digits(p.primaryContact?.phone);
    const rows = await createdSince(ctx, '/customers', 'customers');
    const match = rows.find((c) => {
      const shown = n.isCompany
        ? c['company']
        : [c['first_name'], c['last_name']].filter((x) => typeof x === 'string' && x !== '').join(' ');
      if (norm(typeof shown === 'string' ? shown : '') !== norm(n.name)) return false;
      if (email !== '' && norm(c['email'] as string | null) !== email) return false;
      if (phone !== '' && digits(c['mobile_number'] as string | null) !== phone) return false;
      return true;
    });
    // A customer found with service addresses missing (a crash between the calls) gets them now.
    return match ? outcome(ctx, p, await readCustomer(ctx, match['id'] as string)) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    const n = names(p);
    assertContactIsCustomer(p, n);
    const addresses: Record<string, string>[] = [];
    if (p.billingAddress)
      addresses.push({ ...hcpAddress(p.billingAddress, 'payload.billingAddress'), type: 'billing' });
    (p.locations ?? []).forEach((l, i) =>
      addresses.push({
        ...hcpAddress(l.address, `payload.locations[${String(i)}].address`),
        type: 'service',
      }),
    );
    if (addresses.length === 0) {
      throw new VendorWriteError(
        'validation_failed',
        'Housecall Pro needs an address: give billingAddress or a location',
        {
          field: 'payload.billingAddress',
        },
      );
    }
    const body: Record<string, unknown> = {
      ...(n.firstName ? { first_name: n.firstName } : {}),
      ...(n.lastName ? { last_name: n.lastName } : {}),
      ...(n.company ? { company: n.company } : {}),
      ...(p.primaryContact?.email ? { email: p.primaryContact.email } : {}),
      ...(p.primaryContact?.phone ? { mobile_number: p.primaryContact.phone } : {}),
      ...(p.tags ? { tags: p.tags } : {}),
      addresses,
    };
    const created = await refusalsMapped(
      { ...FIELDS, addresses: p.billingAddress ? 'payload.billingAddress' : 'payload.locations[0].address' },
      () => client.send(ctx, 'POST', '/customers', body),
    );
    // The answer is the customer as created: its records, then any address still to add.
    return outcome(ctx, p, customerRecords(created));
  },
});
