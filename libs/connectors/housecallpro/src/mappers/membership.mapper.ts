import type { Membership, MembershipStatus } from '@fieldsync/canonical-model';
import type { HousecallProServicePlan } from '../housecallpro.schemas';
import {
  HOUSECALLPRO_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  utc,
  utcOrNull,
  type MappingScope,
} from './mapping.util';

/*
 * A Housecall Pro service plan agreement, as the pro web app lists it (readers/membership.reader.ts): the
 * customer and the service address (a location) it covers, the plan's name, its state (the web app's
 * word kept in `vendorStatus`), its term and its price per billing period, from cents.
 */

const STATUSES: Readonly<Record<HousecallProServicePlan['status'], MembershipStatus>> = {
  active: 'active',
  paused: 'suspended',
  expired: 'expired',
  canceled: 'canceled',
};

const FREQUENCIES: Readonly<Record<string, Membership['billingFrequency']>> = {
  monthly: 'monthly',
  quarterly: 'quarterly',
  yearly: 'annual',
  annually: 'annual',
  annual: 'annual',
};

export function mapMembership(p: HousecallProServicePlan, scope: MappingScope): Membership {
  return {
    ...canonicalBase('membership', scope, { createdAt: utc(p.created_at), updatedAt: utc(p.updated_at) }),
    customerId: canonicalRef(scope, 'customer', p.customer_id) as string,
    locationId: canonicalRef(scope, 'location', p.address_id),
    name: p.name,
    status: STATUSES[p.status],
    vendorStatus: p.status,
    startDate: p.start_date,
    endDate: p.end_date,
    nextVisitDate: null,
    autoRenew: null,
    billingFrequency: FREQUENCIES[p.billing_frequency.trim().toLowerCase()] ?? 'other',
    currency: HOUSECALLPRO_CURRENCY,
    price: money(p.price),
    visitsIncluded: null,
    visitsUsed: null,
    canceledAt: utcOrNull(p.canceled_at),
  };
}
