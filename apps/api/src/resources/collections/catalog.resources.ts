import { LEAD_STATUSES, MEMBERSHIP_STATUSES } from '@fieldsync/canonical-model';
import { z } from 'zod';
import { defineResource } from '../resource.types';
import {
  addressOf,
  addressSchema,
  amountSchema,
  dateField,
  emailAddresses,
  phoneNumbers,
  provenance,
  provenanceShape,
} from './shared-fields.schema';

const technicianItemSchema = z
  .strictObject({
    technicianId: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    role: z.string(),
    vendorRole: z.string().nullable(),
    active: z.boolean(),
    businessUnit: z.string().nullable(),
    ...provenanceShape,
  })
  .meta({ id: 'Technician' });

/** `GET /technicians`: the vendor's users who work jobs. */
export const techniciansResource = defineResource({
  name: 'technicians',
  entity: 'technician',
  idField: 'technicianId',
  summary: 'Technicians and other users jobs are assigned to',
  item: technicianItemSchema,
  filters: ['updatedFrom', 'updatedTo', 'tag'],
  project(technicians) {
    return Promise.resolve(
      technicians.map((t) => ({
        technicianId: t.id,
        name: t.name,
        email: t.email,
        phone: t.phone,
        role: t.role,
        vendorRole: t.vendorRole,
        active: t.active,
        businessUnit: t.businessUnit,
        ...provenance(t),
      })),
    );
  },
});

const pricebookItemSchema = z
  .strictObject({
    itemId: z.string(),
    kind: z.string(),
    code: z.string().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    category: z.string().nullable(),
    unit: z.string().nullable(),
    currency: z.string(),
    price: amountSchema,
    memberPrice: amountSchema.nullable(),
    zonePrices: z
      .array(z.strictObject({ zone: z.string(), price: amountSchema }))
      .nullable()
      .describe(
        "The item's price in each pricing zone it is priced in ([] when in none); null when the vendor has no zone pricing",
      ),
    taxable: z.boolean(),
    active: z.boolean(),
    ...provenanceShape,
  })
  .meta({ id: 'PricebookItem' });

/** `GET /pricebook-items`: services, materials and equipment the business sells. */
export const pricebookItemsResource = defineResource({
  name: 'pricebook-items',
  entity: 'pricebook_item',
  idField: 'itemId',
  summary: 'Pricebook services, materials and equipment',
  item: pricebookItemSchema,
  filters: ['updatedFrom', 'updatedTo', 'tag'],
  project(items) {
    return Promise.resolve(
      items.map((i) => ({
        itemId: i.id,
        kind: i.kind,
        code: i.code,
        name: i.name,
        description: i.description,
        category: i.category,
        unit: i.unit,
        currency: i.currency,
        price: i.price,
        memberPrice: i.memberPrice,
        // A document stored before the canonical item had zone prices reads as a vendor without them.
        zonePrices: i.zonePrices ?? null,
        taxable: i.taxable,
        active: i.active,
        ...provenance(i),
      })),
    );
  },
});

const membershipItemSchema = z
  .strictObject({
    membershipId: z.string(),
    customerId: z.string(),
    locationId: z.string().nullable(),
    name: z.string(),
    status: z.enum(MEMBERSHIP_STATUSES),
    vendorStatus: z.string(),
    startDate: dateField.nullable(),
    endDate: dateField.nullable(),
    nextVisitDate: dateField.nullable(),
    autoRenew: z.boolean().nullable(),
    billingFrequency: z.string().nullable(),
    currency: z.string(),
    price: amountSchema.nullable(),
    visitsIncluded: z.number().nullable(),
    visitsUsed: z.number().nullable(),
    ...provenanceShape,
  })
  .meta({ id: 'Membership' });

/** `GET /memberships`: service agreements. */
export const membershipsResource = defineResource({
  name: 'memberships',
  entity: 'membership',
  idField: 'membershipId',
  summary: 'Memberships (service agreements)',
  item: membershipItemSchema,
  filters: ['status', 'updatedFrom', 'updatedTo', 'tag'],
  statuses: MEMBERSHIP_STATUSES,
  project(memberships) {
    return Promise.resolve(
      memberships.map((m) => ({
        membershipId: m.id,
        customerId: m.customerId,
        locationId: m.locationId,
        name: m.name,
        status: m.status,
        vendorStatus: m.vendorStatus,
        startDate: m.startDate,
        endDate: m.endDate,
        nextVisitDate: m.nextVisitDate,
        autoRenew: m.autoRenew,
        billingFrequency: m.billingFrequency,
        currency: m.currency,
        price: m.price,
        visitsIncluded: m.visitsIncluded,
        visitsUsed: m.visitsUsed,
        ...provenance(m),
      })),
    );
  },
});

const equipmentItemSchema = z
  .strictObject({
    equipmentId: z.string(),
    customerId: z.string(),
    locationId: z.string().nullable(),
    name: z.string(),
    type: z.string().nullable(),
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    serialNumber: z.string().nullable(),
    installedOn: dateField.nullable(),
    warrantyExpiresOn: dateField.nullable(),
    active: z.boolean(),
    ...provenanceShape,
  })
  .meta({ id: 'Equipment' });

/** `GET /equipment`: installed equipment at customers' locations. */
export const equipmentResource = defineResource({
  name: 'equipment',
  entity: 'equipment',
  idField: 'equipmentId',
  summary: 'Installed equipment',
  item: equipmentItemSchema,
  filters: ['updatedFrom', 'updatedTo', 'tag'],
  project(equipment) {
    return Promise.resolve(
      equipment.map((e) => ({
        equipmentId: e.id,
        customerId: e.customerId,
        locationId: e.locationId,
        name: e.name,
        type: e.type,
        manufacturer: e.manufacturer,
        model: e.model,
        serialNumber: e.serialNumber,
        installedOn: e.installedOn,
        warrantyExpiresOn: e.warrantyExpiresOn,
        active: e.active,
        ...provenance(e),
      })),
    );
  },
});

const leadItemSchema = z
  .strictObject({
    leadId: z.string(),
    status: z.enum(LEAD_STATUSES),
    vendorStatus: z.string(),
    customerId: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    companyName: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    address: addressSchema.nullable(),
    source: z.string().nullable(),
    summary: z.string().nullable(),
    convertedJobId: z.string().nullable(),
    tags: z.array(z.string()),
    ...provenanceShape,
  })
  .meta({ id: 'Lead' });

/** `GET /leads`: requests and leads not yet (or already) turned into work. */
export const leadsResource = defineResource({
  name: 'leads',
  entity: 'lead',
  idField: 'leadId',
  summary: 'Leads and requests',
  item: leadItemSchema,
  filters: ['status', 'updatedFrom', 'updatedTo', 'tag', 'city', 'region'],
  statuses: LEAD_STATUSES,
  project(leads) {
    return Promise.resolve(
      leads.map((l) => ({
        leadId: l.id,
        status: l.status,
        vendorStatus: l.vendorStatus,
        customerId: l.customerId,
        firstName: l.firstName,
        lastName: l.lastName,
        companyName: l.companyName,
        emails: emailAddresses(l.emails),
        phones: phoneNumbers(l.phones),
        address: addressOf(l.address),
        source: l.source,
        summary: l.summary,
        convertedJobId: l.convertedJobId,
        tags: l.tags,
        ...provenance(l),
      })),
    );
  },
});
