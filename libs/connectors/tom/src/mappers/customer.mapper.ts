import type { Customer, Location } from '@fieldsync/canonical-model';
import type { TomCustomer, TomCustomerJob } from '../tom.schemas';
import {
  TOM_CURRENCY,
  canonicalAddress,
  canonicalBase,
  canonicalPhone,
  money,
  requiredRef,
  textOrNull,
  timesOf,
  yes,
  type MappingScope,
} from './mapping.util';

/**
 * A TOM customer (the top of a `Customer:Job` name): its phone, email, billing address, balance and memo.
 * Its jobs (`Customer:Job`, the places work is done) are Location records of the jobs stream. TOM shows
 * no customer number, names apart from the display name, lead source or marketing consent in its grid.
 */
export function mapCustomer(c: TomCustomer, scope: MappingScope): Customer {
  const f = c.fields;
  const phone = canonicalPhone(f.Phone, 'other');
  const email = textOrNull(f.Email);
  return {
    ...canonicalBase('customer', scope, timesOf(f)),
    number: null,
    displayName: f.Customer,
    firstName: null,
    lastName: null,
    companyName: f.Type === 'Commercial' ? f.Customer : null,
    type: f.Type === 'Commercial' ? 'commercial' : 'residential',
    active: yes(f.Active),
    emails: email === null ? [] : [{ type: 'other', address: email, primary: true }],
    phones: phone === null ? [] : [phone],
    billingAddress: canonicalAddress(f.Address),
    defaultLocationId: null,
    currency: TOM_CURRENCY,
    balance: money(f.Balance),
    marketingOptIn: null,
    doNotService: false,
    leadSource: null,
    notes: textOrNull(f.Memo),
    tags: [],
    customFields: {},
    mergedIntoId: null,
  };
}

/**
 * A TOM job of a customer (`Customer:Job`, e.g. `Ada Lovelace:Lake House`): in fieldsync a Location of that
 * customer, named after the part after the colon, with its tax zone as tax code.
 */
export function mapCustomerJob(j: TomCustomerJob, scope: MappingScope): Location {
  const f = j.fields;
  const address = canonicalAddress(f.Address);
  if (address === null) throw new RangeError(`Customer:Job ${f['Job ID']} has no address`);
  return {
    ...canonicalBase('location', scope, timesOf(f)),
    customerId: requiredRef(scope, 'customer', f['Customer ID']),
    name: f['Job Name'],
    address,
    active: yes(f.Active),
    taxCode: textOrNull(f['Tax Zone']),
    notes: null,
    tags: [],
    customFields: { customerJob: f['Customer:Job'] },
    mergedIntoId: null,
  };
}
