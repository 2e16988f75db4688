import { normalizePhoneNumber, type Customer, type Email, type Phone } from '@fieldsync/canonical-model';
import type { JobberClient } from '../jobber.schemas';
import {
  JOBBER_CURRENCY,
  canonicalAddress,
  canonicalBase,
  money,
  tagsOf,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/*
 * A Jobber client, its emails and phones on it (Jobber has no contact records of their own). Jobber has
 * no client number, default property, marketing opt-in (its `receives…` flags are service reminders and
 * follow-ups, not marketing consent), do-not-service flag or merges.
 */

function phoneType(description: string | null): Phone['type'] {
  const d = (description ?? '').toLowerCase();
  if (d.includes('mobile') || d.includes('cell')) return 'mobile';
  if (d.includes('home')) return 'home';
  if (d.includes('work') || d.includes('office')) return 'work';
  if (d.includes('fax')) return 'fax';
  return 'other';
}

function emailType(description: string | null): Email['type'] {
  const d = (description ?? '').toLowerCase();
  if (d.includes('work') || d.includes('office')) return 'work';
  if (d.includes('billing') || d.includes('invoice')) return 'billing';
  if (d.includes('personal') || d.includes('home')) return 'personal';
  return 'other';
}

export function mapCustomer(c: JobberClient, scope: MappingScope): Customer {
  return {
    ...canonicalBase('customer', c.id, scope, { createdAt: utc(c.createdAt), updatedAt: utc(c.updatedAt) }),
    number: null,
    displayName: c.name,
    firstName: textOrNull(c.firstName),
    lastName: textOrNull(c.lastName),
    companyName: textOrNull(c.companyName),
    type: c.isCompany ? 'commercial' : 'residential',
    active: !c.isArchived,
    emails: c.emails.map((e) => ({
      type: emailType(e.description),
      address: e.address.trim(),
      primary: e.primary,
    })),
    phones: c.phones.map((p) => ({
      type: phoneType(p.description),
      number: p.number,
      e164: normalizePhoneNumber(p.number),
      extension: null,
      primary: p.primary,
    })),
    billingAddress: canonicalAddress(c.billingAddress),
    defaultLocationId: null,
    currency: JOBBER_CURRENCY,
    balance: money(c.balance),
    marketingOptIn: null,
    doNotService: false,
    leadSource: null,
    notes: null,
    tags: tagsOf(c.tags.nodes),
    customFields: {},
    mergedIntoId: null,
  };
}
