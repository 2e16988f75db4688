import { centsToDecimalString, ID_BASE, type StoredRecord, type WorldStore } from '@fieldsync/sandbox-world';
import { annotationsOf } from './servicetitan-annotations';
import { worldJobTagTypeIds } from './servicetitan-tag-types';

/**
 * The world rendered as ServiceTitan's v2 wire shapes (field names, enums and nullability of the
 * published OpenAPI files). A row depends only on its own record and on records whose rendered fields
 * never change (business units, job types, tax zones, payment types, technicians' names), so a row's
 * content changes exactly when its modifiedOn does — what list paging by modifiedOn relies on.
 * Money: decimal numbers (dollars) where the spec says `number`, decimal strings on invoices and
 * payments. Times: RFC 3339 UTC with milliseconds.
 */
export type WireRow = Record<string, unknown>;

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const dollars = (cents: number): number => cents / 100;
const decimal = (cents: number): string => centsToDecimalString(cents);
/** Thousandths → decimal string ("1.5"). */
const quantity = (milli: number): string => String(milli / 1000);

/** The sandbox's office owner stands in for `createdById` (the world does not record who created what). */
const CREATED_BY_ID = ID_BASE.employee;

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

/** A stable id for a name the world keeps only as text (membership types). */
function nameId(name: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16_777_619) >>> 0;
  return 1 + (h % 999_999);
}

export class ServiceTitanRenderer {
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

  job(j: StoredRecord<'job'>): WireRow {
    const appointments = this.store
      .children('appointment', 'jobId', j.id)
      .filter((a) => a.deletedOn === null)
      .sort((a, b) => a.start - b.start || a.id - b.id);
    return {
      id: j.id,
      jobNumber: j.jobNumber,
      customerId: j.customerId,
      locationId: j.locationId,
      jobStatus: j.status,
      completedOn: isoOrNull(j.completedOn),
      businessUnitId: j.businessUnitId,
      jobTypeId: j.jobTypeId,
      priority: j.priority,
      campaignId: j.campaignId,
      summary: j.summary,
      customFields: [],
      appointmentCount: appointments.length,
      firstAppointmentId: appointments[0]?.id ?? 0,
      lastAppointmentId: appointments[appointments.length - 1]?.id ?? 0,
      recallForId: null,
      warrantyId: null,
      jobGeneratedLeadSource: null,
      noCharge: false,
      notificationsEnabled: true,
      createdOn: iso(j.createdOn),
      createdById: CREATED_BY_ID,
      modifiedOn: iso(j.modifiedOn),
      tagTypeIds: [...(annotationsOf(this.store).jobTagTypeIds.get(j.id) ?? worldJobTagTypeIds(j.id))],
      leadCallId: null,
      bookingId: null,
      soldById: j.soldById,
      externalData: j.externalData.map((e) => ({ key: e.key, value: e.value })),
    };
  }

  appointment(a: StoredRecord<'appointment'>): WireRow {
    return {
      id: a.id,
      jobId: a.jobId,
      appointmentNumber: a.appointmentNumber,
      start: iso(a.start),
      end: iso(a.end),
      arrivalWindowStart: iso(a.arrivalWindowStart),
      arrivalWindowEnd: iso(a.arrivalWindowEnd),
      status: a.status,
      specialInstructions: a.specialInstructions,
      createdOn: iso(a.createdOn),
      modifiedOn: iso(a.modifiedOn),
    };
  }

  assignment(a: StoredRecord<'assignment'>): WireRow {
    return {
      id: a.id,
      technicianId: a.technicianId,
      technicianName: this.store.get('employee', a.technicianId)?.name ?? '',
      assignedById: a.assignedById ?? 0,
      assignedOn: iso(a.assignedOn),
      status: a.status,
      isPaused: false,
      jobId: a.jobId,
      appointmentId: a.appointmentId,
    };
  }

  technician(e: StoredRecord<'employee'>): WireRow {
    return {
      id: e.id,
      name: e.name,
      businessUnitId: e.businessUnitId,
      createdOn: iso(e.createdOn),
      modifiedOn: iso(e.modifiedOn),
      email: e.email,
      phoneNumber: e.phoneNumber,
      loginName: e.loginName,
      home: null,
      dailyGoal: 0,
      isManagedTech: false,
      customFields: [],
      active: e.active,
    };
  }

  employee(e: StoredRecord<'employee'>): WireRow {
    return {
      id: e.id,
      name: e.name,
      role: e.role,
      businessUnitId: e.businessUnitId,
      createdOn: iso(e.createdOn),
      modifiedOn: iso(e.modifiedOn),
      email: e.email,
      phoneNumber: e.phoneNumber,
      loginName: e.loginName,
      customFields: [],
      active: e.active,
    };
  }

  estimate(e: StoredRecord<'estimate'>): WireRow {
    const option = e.options.find((o) => o.id === e.soldOptionId) ?? e.options[0];
    const job = this.store.get('job', e.jobId);
    const status = { Open: 0, Sold: 1, Dismissed: 2 }[e.status];
    return {
      id: e.id,
      jobId: e.jobId,
      projectId: null,
      name: e.name,
      jobNumber: job?.jobNumber ?? null,
      status: { value: status, name: e.status },
      summary: option?.name ?? null,
      modifiedOn: iso(e.modifiedOn),
      soldOn: isoOrNull(e.soldOn),
      soldBy: e.soldById,
      active: e.active,
      items: (option?.items ?? []).map((item) => ({
        id: item.id,
        sku: {
          id: item.pricebookItemId ?? 0,
          name: item.code,
          displayName: item.description,
          type: item.type === 'Discount' ? 'PriceModifier' : item.type,
          soldHours: 0,
          generalLedgerAccountId: 0,
          generalLedgerAccountName: 'Income',
          modifiedOn: iso(e.modifiedOn),
        },
        skuAccount: 'Income',
        description: item.description,
        qty: item.quantityMilli / 1000,
        unitRate: dollars(item.unitPrice),
        total: dollars(item.total),
        itemGroupName: option?.name ?? '',
        itemGroupRootId: null,
        modifiedOn: iso(e.modifiedOn),
      })),
      externalLinks: (annotationsOf(this.store).estimateLinks.get(e.id) ?? []).map((l) => ({ ...l })),
    };
  }

  invoice(i: StoredRecord<'invoice'>): WireRow {
    const job = this.store.get('job', i.jobId);
    const jobType = job ? this.store.get('jobType', job.jobTypeId) : undefined;
    const businessUnit = job ? this.store.get('businessUnit', job.businessUnitId) : undefined;
    const taxZone = this.store.get('taxZone', i.taxZoneId);
    const days = Math.round((i.dueDate - i.invoiceDate) / 86_400_000);
    return {
      id: i.id,
      syncStatus: i.status,
      summary: annotationsOf(this.store).invoiceSummary.get(i.id)?.summary ?? null,
      referenceNumber: i.referenceNumber,
      invoiceDate: iso(i.invoiceDate),
      dueDate: iso(i.dueDate),
      // Discounts are PriceModifier lines, so the subtotal is net of them: total = subTotal + salesTax.
      subTotal: decimal(i.subTotal - i.discount),
      salesTax: decimal(i.salesTax),
      salesTaxCode: { id: i.taxZoneId, name: taxZone?.name ?? null, taxRate: i.taxRatePpm / 10_000 },
      total: decimal(i.total),
      balance: decimal(i.balance),
      customer: { id: i.customerId },
      businessUnit: businessUnit ? { id: businessUnit.id, name: businessUnit.name } : null,
      termName: `Net ${days}`,
      batch: null,
      modifiedOn: iso(i.modifiedOn),
      adjustmentToId: null,
      job: job ? { id: job.id, number: job.jobNumber, type: jobType?.name ?? null } : null,
      projectId: null,
      items: i.items.map((item, index) => ({
        id: item.id,
        description: item.description,
        quantity: quantity(item.quantityMilli),
        cost: '0.00',
        totalCost: '0.00',
        price: decimal(item.unitPrice),
        type: item.type === 'Discount' ? 'PriceModifier' : item.type,
        skuName: item.code,
        skuId: item.pricebookItemId ?? 0,
        total: decimal(item.total),
        inventory: false,
        taxable: item.taxable,
        membershipTypeId: 0,
        displayName: item.description,
        soldHours: null,
        modifiedOn: iso(i.modifiedOn),
        serviceDate: iso(i.invoiceDate),
        order: index + 1,
      })),
      customFields: [],
    };
  }

  payment(p: StoredRecord<'payment'>): WireRow {
    const type = this.store.get('paymentType', p.paymentTypeId);
    return {
      id: p.id,
      syncStatus: 'Pending',
      referenceNumber: String(p.id),
      date: iso(p.paidOn),
      type: type?.name ?? null,
      typeId: String(p.paymentTypeId),
      total: decimal(p.amount),
      unappliedAmount: decimal(p.unappliedAmount),
      memo: p.memo,
      customer: { id: p.customerId },
      batch: null,
      generalLedgerAccount: null,
      appliedTo: p.splits.map((s) => ({
        appliedTo: s.invoiceId,
        appliedAmount: decimal(s.amount),
        appliedOn: iso(p.paidOn),
        appliedBy: null,
      })),
      customFields: [],
      authCode: p.externalTransactionId,
      checkNumber: p.checkNumber,
    };
  }

  service(s: StoredRecord<'pricebookItem'>): WireRow {
    return {
      id: s.id,
      code: s.code,
      displayName: s.name,
      description: s.name,
      warranty: null,
      categories: [],
      price: dollars(s.price),
      memberPrice: dollars(s.memberPrice),
      addOnPrice: dollars(s.price),
      addOnMemberPrice: dollars(s.memberPrice),
      taxable: s.taxable,
      account: null,
      hours: s.hours,
      isLabor: true,
      recommendations: [],
      upgrades: [],
      assets: [],
      serviceMaterials: [],
      serviceEquipment: [],
      active: s.active,
      crossSaleGroup: null,
      paysCommission: false,
      modifiedOn: iso(s.modifiedOn),
      source: null,
      externalId: null,
      externalData: [],
    };
  }

  material(m: StoredRecord<'pricebookItem'>): WireRow {
    return {
      id: m.id,
      code: m.code,
      displayName: m.name,
      description: m.name,
      cost: dollars(m.cost),
      active: m.active,
      price: dollars(m.price),
      memberPrice: dollars(m.memberPrice),
      addOnPrice: dollars(m.price),
      addOnMemberPrice: dollars(m.memberPrice),
      hours: m.hours,
      commissionBonus: 0,
      paysCommission: false,
      deductAsJobCost: false,
      unitOfMeasure: null,
      isInventory: false,
      account: null,
      costOfSaleAccount: null,
      assetAccount: null,
      taxable: m.taxable,
      primaryVendor: null,
      otherVendors: [],
      categories: [],
      assets: [],
      modifiedOn: iso(m.modifiedOn),
      source: null,
      externalId: null,
      externalData: [],
    };
  }

  equipment(e: StoredRecord<'pricebookItem'>): WireRow {
    return {
      id: e.id,
      code: e.code,
      displayName: e.name,
      description: e.name,
      active: e.active,
      price: dollars(e.price),
      memberPrice: dollars(e.memberPrice),
      addOnPrice: dollars(e.price),
      addOnMemberPrice: dollars(e.memberPrice),
      manufacturer: null,
      model: null,
      manufacturerWarranty: { duration: 0, description: null },
      serviceProviderWarranty: { duration: 0, description: null },
      categories: [],
      assets: [],
      recommendations: [],
      upgrades: [],
      equipmentMaterials: [],
      primaryVendor: null,
      otherVendors: [],
      account: null,
      costOfSaleAccount: null,
      assetAccount: null,
      crossSaleGroup: null,
      paysCommission: false,
      commissionBonus: 0,
      hours: e.hours,
      taxable: e.taxable,
      cost: dollars(e.cost),
      unitOfMeasure: null,
      isInventory: false,
      modifiedOn: iso(e.modifiedOn),
      source: null,
      externalId: null,
      externalData: [],
    };
  }

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

  installedEquipment(e: StoredRecord<'equipment'>): WireRow {
    return {
      id: e.id,
      locationId: e.locationId,
      customerId: e.customerId,
      name: e.name,
      installedOn: iso(e.installedOn),
      serialNumber: e.serialNumber,
      memo: e.type,
      manufacturer: e.manufacturer,
      model: e.model,
      cost: 0,
      manufacturerWarrantyStart: iso(e.installedOn),
      manufacturerWarrantyEnd: isoOrNull(e.warrantyEnd),
      serviceProviderWarrantyStart: null,
      serviceProviderWarrantyEnd: null,
    };
  }
}
