import type { Address, CommandOf } from '@fieldsync/canonical-model';
import { defineWrite, findMarker, withMarker, type WriteContext } from '@fieldsync/connector-kit';
import { tomCustomerJobSchema, tomCustomerSchema } from '../tom.schemas';
import { findInGrid, idOf, readDetail, submitForm, unsupported, type WriteRecord } from './write-forms.util';

/*
 * client.create → New Customer: name, type, the primary contact's phone and email, the address (TOM keeps
 * one address per customer and creates its first job, `Customer:Job`, at it), the first location's name
 * as the job name, notes in the memo with the command's marker on its last line (`find` looks for it in
 * the customers grid). Not carried: a second location (TOM's form makes one job), address line 2 and geo,
 * names apart from the display name, tags, custom fields, marketing consent.
 */

type Command = CommandOf<'client.create'>;

const FIELDS = {
  Name: 'payload.displayName',
  Type: 'payload.type',
  Phone: 'payload.primaryContact.phone',
  Email: 'payload.primaryContact.email',
  Street: 'payload.billingAddress.line1',
  City: 'payload.billingAddress.city',
  State: 'payload.billingAddress.region',
  Zip: 'payload.billingAddress.postalCode',
  JobName: 'payload.locations[0].name',
  Memo: 'payload.notes',
};

function addressOf(command: Command): { address: Address; field: string } {
  const { billingAddress, locations } = command.payload;
  if ((locations?.length ?? 0) > 1)
    throw unsupported('payload.locations[1]', "TOM's New Customer form makes one job");
  const location = locations?.[0];
  if (billingAddress && location && JSON.stringify(billingAddress) !== JSON.stringify(location.address)) {
    throw unsupported(
      'payload.locations[0].address',
      'TOM keeps one address for a new customer and its first job',
    );
  }
  const address = location?.address ?? billingAddress;
  const field = location ? 'payload.locations[0].address' : 'payload.billingAddress';
  if (!address) throw unsupported(field, 'TOM needs an address for a customer');
  if (address.country !== null && address.country !== 'US')
    throw unsupported(`${field}.country`, 'TOM keeps US addresses');
  if (address.line2 !== null)
    throw unsupported(`${field}.line2`, "TOM's New Customer form has one street line");
  if (address.geo !== null) throw unsupported(`${field}.geo`, 'TOM keeps no coordinates');
  return { address, field };
}

async function outcome(ctx: WriteContext, customerKey: string) {
  const customer = await readDetail(ctx, '/Customers', customerKey, 'customer', tomCustomerSchema, 'payload');
  const jobKey = await findInGrid(ctx, '/Jobs', ctx.firstAttemptAt, (f) => f['Customer ID'] === customerKey);
  const records: WriteRecord[] = [customer];
  if (jobKey !== null)
    records.push(
      await readDetail(ctx, '/Jobs', jobKey, 'location', tomCustomerJobSchema, 'payload.locations'),
    );
  return {
    records,
    result: {
      customerId: idOf(ctx, 'customer', customerKey),
      locationIds: jobKey === null ? [] : [idOf(ctx, 'location', jobKey)],
    },
  };
}

export const clientCreateWrite = defineWrite('client.create', {
  carries: [
    'displayName',
    'type',
    'primaryContact.name',
    'primaryContact.phone',
    'primaryContact.email',
    'billingAddress.line1',
    'billingAddress.city',
    'billingAddress.region',
    'billingAddress.postalCode',
    'billingAddress.country',
    'billingAddress.line2',
    'billingAddress.geo',
    'locations[].name',
    'locations[].address.line1',
    'locations[].address.city',
    'locations[].address.region',
    'locations[].address.postalCode',
    'locations[].address.country',
    'locations[].address.line2',
    'locations[].address.geo',
    'notes',
  ],
  async find(ctx) {
    const key = await findInGrid(
      ctx,
      '/Customers',
      ctx.firstAttemptAt,
      (f) => findMarker(f['Memo']) === ctx.marker,
    );
    return key === null ? null : outcome(ctx, key);
  },
  async execute(ctx, command) {
    const p = command.payload;
    const { address } = addressOf(command);
    const key = await submitForm(
      ctx,
      '/Customers/New',
      {
        Name: p.displayName,
        Type: p.type === 'commercial' ? 'Commercial' : 'Residential',
        Phone: p.primaryContact?.phone ?? '',
        Email: p.primaryContact?.email ?? '',
        Street: address.line1,
        City: address.city ?? '',
        State: address.region ?? '',
        Zip: address.postalCode ?? '',
        JobName: p.locations?.[0]?.name ?? 'Main',
        Memo: withMarker(p.notes, ctx.marker),
      },
      FIELDS,
    );
    return outcome(ctx, key);
  },
});
