import type { Customer, Phone } from '@fieldsync/canonical-model';
import type { WorkizClient } from '../workiz.schemas';
import {
  WORKIZ_CURRENCY,
  canonicalAddress,
  canonicalBase,
  canonicalPhone,
  canonicalRef,
  money,
  tagsOf,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/**
 * A Workiz client (the web app's clients list, which the API lacks): names or a company, its phones
 * (mobile or main) and emails, its billing address, its first service location the default one (each is
 * also a Location record of the clients stream), its balance in dollars, tags. Workiz has no client
 * number, lead source, notes, marketing consent or do-not-service flag in this list (`doNotService` false: Workiz
 * has no such flag, so none is set).
 */
export function mapCustomer(c: WorkizClient, scope: MappingScope): Customer {
  const zone = c.timezone;
  const phones = c.phones
    .map((p, i) => canonicalPhone(p.number, p.kind === 'mobile' ? 'mobile' : 'other', i === 0))
    .filter((p): p is Phone => p !== null);
  const emails = c.emails
    .map((e) => textOrNull(e))
    .filter((e): e is string => e !== null)
    .map((address, i) => ({ type: 'other' as const, address, primary: i === 0 }));
  const company = textOrNull(c.company);
  const person = [textOrNull(c.first_name), textOrNull(c.last_name)].filter((x) => x !== null).join(' ');
  const first = c.service_locations[0];
  return {
    ...canonicalBase('customer', scope, { createdAt: utc(c.created, zone), updatedAt: utc(c.updated, zone) }),
    number: null,
    displayName: company ?? (person === '' ? `Client ${c.client_id}` : person),
    firstName: textOrNull(c.first_name),
    lastName: textOrNull(c.last_name),
    companyName: company,
    type: c.client_type,
    active: c.active,
    emails,
    phones,
    billingAddress: canonicalAddress({ ...c.billing_address, street: c.billing_address.address }),
    defaultLocationId: first ? canonicalRef(scope, 'location', first.location_id) : null,
    currency: WORKIZ_CURRENCY,
    balance: money(c.balance),
    marketingOptIn: null,
    doNotService: false,
    leadSource: null,
    notes: null,
    tags: tagsOf(c.tags),
    customFields: {},
    mergedIntoId: null,
  };
}
