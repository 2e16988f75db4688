import type { Membership, MembershipStatus } from '@fieldsync/canonical-model';
import type { ServiceTitanMembership } from '../servicetitan.schemas';
import {
  canonicalBase,
  canonicalRef,
  dateOf,
  textOrNull,
  utc,
  utcOrNull,
  type MappingScope,
} from './mapping.util';

/* A ServiceTitan membership (service agreement): its memo names it, else its membership type's id. */

const MEMBERSHIP_STATUSES: Readonly<Record<ServiceTitanMembership['status'], MembershipStatus>> = {
  Active: 'active',
  Suspended: 'suspended',
  Expired: 'expired',
  Canceled: 'canceled',
  Deleted: 'canceled',
};

const BILLING_FREQUENCIES: Readonly<Record<string, Membership['billingFrequency']>> = {
  monthly: 'monthly',
  quarterly: 'quarterly',
  semiannual: 'semiannual',
  semiannually: 'semiannual',
  annual: 'annual',
  annually: 'annual',
  onetime: 'one_time',
};

export function mapMembership(m: ServiceTitanMembership, scope: MappingScope): Membership {
  const frequency =
    m.billingFrequency === null ? null : m.billingFrequency.toLowerCase().replace(/[^a-z]/g, '');
  return {
    ...canonicalBase('membership', scope, { createdAt: utc(m.createdOn), updatedAt: utc(m.modifiedOn) }),
    customerId: canonicalRef(scope, 'customer', m.customerId),
    locationId: canonicalRef(scope, 'location', m.locationId),
    name: textOrNull(m.memo) ?? `Membership type ${String(m.membershipTypeId)}`,
    status: MEMBERSHIP_STATUSES[m.status],
    vendorStatus: m.status,
    startDate: dateOf(m.from),
    endDate: dateOf(m.to),
    nextVisitDate: null,
    autoRenew: null,
    billingFrequency: frequency === null ? null : (BILLING_FREQUENCIES[frequency] ?? 'other'),
    currency: scope.currency,
    price: null,
    visitsIncluded: null,
    visitsUsed: null,
    canceledAt: utcOrNull(m.cancellationDate),
  };
}
