import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { dollars } from './servicetitan-amount.util';
import { iso } from './servicetitan-datetime.util';
import { CREATED_BY_ID } from './servicetitan-wire.constants';
import type { WireRow } from './servicetitan-wire.types';

function address(a: StoredRecord<'customer'>['address']): WireRow {
  return {
    street: a.street,
    unit: a.unit,
    city: a.city,
    state: a.state,
    zip: a.zip,
    country: a.country,
    latitude: a.latitude,
    longitude: a.longitude,
  };
}

/** Customers, their locations and contacts (ServiceTitan's `crm` module). */
export class ServiceTitanCrmRenderer {
  constructor(private readonly store: WorldStore) {}

  customer(c: StoredRecord<'customer'>): WireRow {
    return {
      id: c.id,
      active: c.active,
      name: c.name,
      type: c.type,
      address: address(c.address),
      customFields: [],
      balance: dollars(c.balance),
      doNotMail: c.doNotMail,
      doNotService: c.doNotService,
      createdOn: iso(c.createdOn),
      createdById: CREATED_BY_ID,
      modifiedOn: iso(c.modifiedOn),
      mergedToId: c.mergedToId,
    };
  }

  location(l: StoredRecord<'location'>): WireRow {
    return {
      id: l.id,
      customerId: l.customerId,
      active: l.active,
      name: l.name,
      address: address(l.address),
      customFields: [],
      createdOn: iso(l.createdOn),
      createdById: CREATED_BY_ID,
      modifiedOn: iso(l.modifiedOn),
      mergedToId: l.mergedToId,
      taxZoneId: l.taxZoneId,
    };
  }

  /** `GET /customers/contacts` (and the export feed): the contact with its customer. */
  contact(c: StoredRecord<'contact'>): WireRow {
    const phone = c.type !== 'Email';
    return {
      id: c.id,
      type: c.type,
      value: c.value,
      memo: c.memo,
      modifiedOn: iso(c.modifiedOn),
      phoneSettings: { phoneNumber: phone ? c.value : '', doNotText: phone ? c.doNotText : true },
      customerId: c.customerId,
    };
  }

  /** `GET /customers/{id}/contacts`: the same without `customerId`. */
  customerContact(c: StoredRecord<'contact'>): WireRow {
    const { customerId: _customerId, ...row } = this.contact(c);
    return row;
  }
}
