import { normalizePhoneNumber, type Customer, type Phone } from '@fieldsync/canonical-model';
import type { HousecallProCustomer } from '../housecallpro.schemas';
import {
  HOUSECALLPRO_CURRENCY,
  canonicalAddress,
  canonicalBase,
  canonicalRef,
  tagsOf,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/*
 * A Housecall Pro customer: one email and three phone slots (mobile, home, work) of its own; its `billing`
 * address is the canonical billing address, its first `service` address the default location (each
 * service address is also a Location record of the customers stream). Housecall Pro has no customer
 * number, balance on the customer, merges or custom fields; `notifications_enabled` is service
 * notifications, not marketing consent.
 */
export function mapCustomer(c: HousecallProCustomer, scope: MappingScope): Customer {
  const phones: Phone[] = [];
  const slots = [
    ['mobile', c.mobile_number],
    ['home', c.home_number],
    ['work', c.work_number],
  ] as const;
  for (const [type, number] of slots) {
    const value = textOrNull(number);
    if (value !== null) {
      phones.push({
        type,
        number: value,
        e164: normalizePhoneNumber(value),
        extension: null,
        primary: phones.length === 0,
      });
    }
  }
  const email = textOrNull(c.email);
  const billing = c.addresses.find((a) => a.type === 'billing');
  const service = c.addresses.find((a) => a.type === 'service');
  const company = textOrNull(c.company);
  const person = [textOrNull(c.first_name), textOrNull(c.last_name)].filter((x) => x !== null).join(' ');
  return {
    ...canonicalBase('customer', scope, { createdAt: utc(c.created_at), updatedAt: utc(c.updated_at) }),
    number: null,
    displayName: company ?? (person === '' ? c.id : person),
    firstName: textOrNull(c.first_name),
    lastName: textOrNull(c.last_name),
    companyName: company,
    type: company === null ? 'residential' : 'commercial',
    active: true,
    emails: email === null ? [] : [{ type: 'other', address: email, primary: true }],
    phones,
    billingAddress: billing ? canonicalAddress(billing) : null,
    defaultLocationId: service ? canonicalRef(scope, 'location', service.id) : null,
    currency: HOUSECALLPRO_CURRENCY,
    balance: null,
    marketingOptIn: null,
    doNotService: c.do_not_service,
    leadSource: textOrNull(c.lead_source),
    notes: textOrNull(c.notes),
    tags: tagsOf(c.tags),
    customFields: {},
    mergedIntoId: null,
  };
}
