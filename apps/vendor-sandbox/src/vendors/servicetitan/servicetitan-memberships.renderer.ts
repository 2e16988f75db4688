import { ID_BASE, type StoredRecord } from '@fieldsync/sandbox-world';
import { iso } from './servicetitan-datetime.util';
import type { WireRow } from './servicetitan-wire.types';

/** A stable id for a name the world keeps only as text (membership types). */
function nameId(name: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16_777_619) >>> 0;
  return 1 + (h % 999_999);
}

/** Memberships (ServiceTitan's `memberships` module). */
export class ServiceTitanMembershipsRenderer {
  membership(m: StoredRecord<'membership'>): WireRow {
    return {
      id: m.id,
      createdOn: iso(m.createdOn),
      createdById: null,
      modifiedOn: iso(m.modifiedOn),
      followUpOn: iso(m.to),
      cancellationDate: m.status === 'Canceled' ? iso(m.modifiedOn) : null,
      from: iso(m.from),
      nextScheduledBillDate: null,
      to: iso(m.to),
      billingFrequency: m.billingFrequency,
      renewalBillingFrequency: null,
      status: m.deletedOn !== null ? 'Deleted' : m.status,
      followUpStatus: 'NotAttempted',
      active: m.active,
      initialDeferredRevenue: 0,
      duration: m.billingFrequency === 'Annual' ? 12 : null,
      renewalDuration: null,
      businessUnitId: ID_BASE.businessUnit,
      customerId: m.customerId,
      membershipTypeId: nameId(m.name),
      activatedById: null,
      activatedFromId: null,
      billingTemplateId: null,
      cancellationBalanceInvoiceId: null,
      cancellationInvoiceId: null,
      followUpCustomStatusId: null,
      locationId: m.locationId,
      paymentMethodId: null,
      paymentTypeId: null,
      recurringLocationId: null,
      renewalMembershipTaskId: null,
      renewedById: null,
      soldById: null,
      customerPo: null,
      importId: null,
      memo: m.name,
    };
  }
}
