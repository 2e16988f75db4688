import { normalizePhoneNumber, type Contact, type Customer } from '@fieldsync/canonical-model';
import type { ServiceTitanContact, ServiceTitanCustomer } from '../servicetitan.schemas';
import {
  canonicalAddress,
  canonicalBase,
  canonicalRef,
  customFields,
  money,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/*
 * A ServiceTitan customer and its contacts. The crm v2 customer row carries no tags (CustomerResponse has
 * no `tagTypeIds`) and no emails or phones: those are its Contact records, a stream of their own, each
 * one email, phone or fax. A contact row has no `createdOn`: its `modifiedOn` stands for both times.
 */

export function mapCustomer(c: ServiceTitanCustomer, scope: MappingScope): Customer {
  return {
    ...canonicalBase('customer', scope, { createdAt: utc(c.createdOn), updatedAt: utc(c.modifiedOn) }),
    number: String(c.id),
    displayName: c.name,
    firstName: null,
    lastName: null,
    companyName: c.type === 'Commercial' ? c.name : null,
    type: c.type === 'Commercial' ? 'commercial' : 'residential',
    active: c.active,
    emails: [],
    phones: [],
    billingAddress: canonicalAddress(c.address),
    defaultLocationId: null,
    currency: scope.currency,
    balance: c.balance === null ? null : money(c.balance, scope),
    marketingOptIn: !c.doNotMail,
    doNotService: c.doNotService,
    leadSource: null,
    notes: null,
    tags: [],
    customFields: customFields(c.customFields),
    mergedIntoId: canonicalRef(scope, 'customer', c.mergedToId),
  };
}

export function mapContact(c: ServiceTitanContact, scope: MappingScope): Contact {
  const modified = utc(c.modifiedOn);
  const value = c.value.trim();
  const isEmail = c.type === 'Email';
  const phoneType = c.type === 'MobilePhone' ? 'mobile' : c.type === 'Fax' ? 'fax' : 'other';
  return {
    ...canonicalBase('contact', scope, { createdAt: modified, updatedAt: modified }),
    customerId: canonicalRef(scope, 'customer', c.customerId),
    locationId: null,
    name: null,
    firstName: null,
    lastName: null,
    role: null,
    emails: isEmail ? [{ type: 'other', address: value, primary: false }] : [],
    phones: isEmail
      ? []
      : [
          {
            type: phoneType,
            number: value,
            e164: normalizePhoneNumber(value),
            extension: null,
            primary: false,
          },
        ],
    isPrimary: false,
    doNotText: c.phoneSettings?.doNotText ?? isEmail,
    notes: textOrNull(c.memo),
  };
}
