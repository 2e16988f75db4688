import { z } from 'zod';

/*
 * Wire shapes of the ServiceTitan portal session endpoints the auth flow reads. Not strict: these
 * answers carry more than the flow needs, and an extra field is not drift that matters here.
 */

/** `GET /api/whoami`: who the session acts as, and the session's own clock. */
export const servicetitanWhoamiSchema = z.object({
  user: z.object({
    id: z.string().min(1),
    username: z.string().min(1),
    displayName: z.string().min(1),
    role: z.string().min(1),
  }),
  /** The tenant the user works in: its id is the `{tenant}` of every v2 API path. */
  tenant: z.object({ id: z.string().regex(/^\d+$/), name: z.string() }).optional(),
  session: z
    .object({
      createdAt: z.iso.datetime({ offset: true }),
      idleExpiresAt: z.iso.datetime({ offset: true }),
    })
    .nullish(),
});
export type ServiceTitanWhoami = z.infer<typeof servicetitanWhoamiSchema>;

/** `GET /api/csrf`: the token state-changing calls send as `x-csrf-token`. */
export const servicetitanCsrfSchema = z.object({ csrfToken: z.string().min(1) });

/*
 * Wire shapes of the v2 export feeds the readers use (`/{module}/v2/tenant/{tenant}/export/{resource}`),
 * after the published OpenAPI files (tenant-*-v2.yml) as the sandbox renders them. Rows are
 * `.strict()`: a field the vendor renamed or added is drift, reported with its issues, never guessed.
 * Export rows of resources whose list row has no `active` carry one (false = deleted).
 */

const id = z.number().int().positive();
/** ServiceTitan sends 0 for "none" in some id fields (`firstAppointmentId`, `skuId`, `assignedById`). */
const idOrZero = z.number().int().nonnegative();
const instant = z.iso.datetime({ offset: true });
/** Invoices and payments carry money as decimal strings ("4458.92"). */
const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string such as 4458.92');
/** Lists the readers do not map (categories, assets, accounting custom fields, ...): any JSON values. */
const unmappedList = z.array(z.unknown());

/** crm `CustomFieldModel` on customers and locations: the field's type id, its label and value (both optional). */
const crmCustomFieldsSchema = z.array(
  z.object({ typeId: id, name: z.string().nullish(), value: z.string().nullish() }).strict(),
);
export type ServiceTitanCrmCustomField = z.infer<typeof crmCustomFieldsSchema>[number];

/** jpm `CustomFieldApiModel` on jobs: type id, label and value, all three always present. */
const jobCustomFieldsSchema = z.array(z.object({ typeId: id, name: z.string(), value: z.string() }).strict());

/** The envelope of every export feed. */
export const servicetitanExportPageSchema = z
  .object({ hasMore: z.boolean(), continueFrom: z.string().min(1), data: z.array(z.unknown()) })
  .strict();
export type ServiceTitanExportPage = z.infer<typeof servicetitanExportPageSchema>;

/** The envelope of every v2 list (`page`, `pageSize`, `hasMore`, `totalCount`, `data`). */
export const servicetitanListPageSchema = z
  .object({
    page: z.number().int().positive(),
    pageSize: z.number().int().positive(),
    hasMore: z.boolean(),
    totalCount: z.number().int().nonnegative().nullable(),
    data: z.array(z.unknown()),
  })
  .strict();

export const servicetitanAddressSchema = z
  .object({
    street: z.string().nullable(),
    unit: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    zip: z.string().nullable(),
    country: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
  })
  .strict();

/** crm `Customers_GetList` / export customers. */
export const servicetitanCustomerSchema = z
  .object({
    id,
    active: z.boolean(),
    name: z.string(),
    type: z.enum(['Residential', 'Commercial']),
    address: servicetitanAddressSchema,
    customFields: crmCustomFieldsSchema,
    balance: z.number().nullable(),
    doNotMail: z.boolean(),
    doNotService: z.boolean(),
    createdOn: instant,
    createdById: idOrZero.nullable(),
    modifiedOn: instant,
    mergedToId: id.nullable(),
  })
  .strict();
export type ServiceTitanCustomer = z.infer<typeof servicetitanCustomerSchema>;

/** crm `Locations_GetList` / export locations. */
export const servicetitanLocationSchema = z
  .object({
    id,
    customerId: id,
    active: z.boolean(),
    name: z.string(),
    address: servicetitanAddressSchema,
    customFields: crmCustomFieldsSchema,
    createdOn: instant,
    createdById: idOrZero.nullable(),
    modifiedOn: instant,
    mergedToId: id.nullable(),
    taxZoneId: id.nullable(),
  })
  .strict();
export type ServiceTitanLocation = z.infer<typeof servicetitanLocationSchema>;

/** crm `Customers_GetModifiedContactsList` / export customers/contacts (+ `active`). */
export const servicetitanContactSchema = z
  .object({
    id,
    type: z.enum(['Phone', 'MobilePhone', 'Email', 'Fax']),
    value: z.string(),
    memo: z.string().nullable(),
    modifiedOn: instant,
    phoneSettings: z.object({ phoneNumber: z.string(), doNotText: z.boolean() }).strict().nullable(),
    customerId: id,
    active: z.boolean(),
  })
  .strict();
export type ServiceTitanContact = z.infer<typeof servicetitanContactSchema>;

/** settings `Technicians_GetList` / export technicians. */
export const servicetitanTechnicianSchema = z
  .object({
    id,
    name: z.string(),
    businessUnitId: id.nullable(),
    createdOn: instant,
    modifiedOn: instant,
    email: z.string().nullable(),
    phoneNumber: z.string().nullable(),
    loginName: z.string().nullable(),
    home: z.unknown(),
    dailyGoal: z.number(),
    isManagedTech: z.boolean(),
    customFields: unmappedList,
    active: z.boolean(),
  })
  .strict();
export type ServiceTitanTechnician = z.infer<typeof servicetitanTechnicianSchema>;

/** jpm `Jobs_GetList` / export jobs (+ `active`). */
export const servicetitanJobSchema = z
  .object({
    id,
    jobNumber: z.string(),
    customerId: id,
    locationId: id,
    jobStatus: z.enum(['Scheduled', 'InProgress', 'Hold', 'Completed', 'Canceled']),
    completedOn: instant.nullable(),
    businessUnitId: id,
    jobTypeId: id,
    priority: z.enum(['Low', 'Normal', 'High', 'Urgent']).nullable(),
    campaignId: id,
    summary: z.string().nullable(),
    customFields: jobCustomFieldsSchema,
    appointmentCount: z.number().int().nonnegative(),
    firstAppointmentId: idOrZero,
    lastAppointmentId: idOrZero,
    recallForId: id.nullable(),
    warrantyId: id.nullable(),
    jobGeneratedLeadSource: z.unknown(),
    noCharge: z.boolean(),
    notificationsEnabled: z.boolean(),
    createdOn: instant,
    createdById: idOrZero.nullable(),
    modifiedOn: instant,
    tagTypeIds: z.array(id),
    leadCallId: id.nullable(),
    bookingId: id.nullable(),
    soldById: id.nullable(),
    externalData: z.array(z.object({ key: z.string(), value: z.string() }).strict()).nullable(),
    active: z.boolean(),
  })
  .strict();
export type ServiceTitanJob = z.infer<typeof servicetitanJobSchema>;

/** settings `TagTypes_GetList` row (`TagTypeResponse`): a tenant's tag, by id. */
export const servicetitanTagTypeSchema = z.object({ id, name: z.string(), active: z.boolean() }).strict();
export type ServiceTitanTagType = z.infer<typeof servicetitanTagTypeSchema>;

/**
 * What the job readers hand the mapper: the job row and the tag types its `tagTypeIds` name (settings
 * `tag-types`, active or not), because the canonical job carries tag names and the row only their ids.
 * A tag id without its tag type is drift: a tag is never dropped silently.
 */
export const servicetitanJobRecordSchema = z
  .object({ job: servicetitanJobSchema, tagTypes: z.array(servicetitanTagTypeSchema) })
  .strict()
  .superRefine((record, ctx) => {
    record.job.tagTypeIds.forEach((tagTypeId, index) => {
      if (!record.tagTypes.some((t) => t.id === tagTypeId)) {
        ctx.addIssue({
          code: 'custom',
          message: `tag type ${tagTypeId} is not in the tenant's tag types`,
          path: ['job', 'tagTypeIds', index],
        });
      }
    });
  });
export type ServiceTitanJobRecord = z.infer<typeof servicetitanJobRecordSchema>;

/** jpm `Appointments_GetList` row. */
export const servicetitanAppointmentListRowSchema = z
  .object({
    id,
    jobId: id,
    appointmentNumber: z.string(),
    start: instant,
    end: instant,
    arrivalWindowStart: instant.nullable(),
    arrivalWindowEnd: instant.nullable(),
    status: z.enum(['Scheduled', 'Dispatched', 'Working', 'Hold', 'Done', 'Canceled']),
    specialInstructions: z.string().nullable(),
    createdOn: instant,
    modifiedOn: instant,
  })
  .strict();
/** Export appointments row: the list row + `active`. */
export const servicetitanAppointmentExportRowSchema = servicetitanAppointmentListRowSchema
  .extend({ active: z.boolean() })
  .strict();
export type ServiceTitanAppointment = z.infer<typeof servicetitanAppointmentListRowSchema>;

/** dispatch `AppointmentAssignments_GetList` row. */
export const servicetitanAssignmentListRowSchema = z
  .object({
    id,
    technicianId: id,
    technicianName: z.string(),
    assignedById: idOrZero.nullable(),
    assignedOn: instant,
    status: z.enum(['Scheduled', 'Dispatched', 'Working', 'Done']),
    isPaused: z.boolean(),
    jobId: id,
    appointmentId: id,
  })
  .strict();
export const servicetitanAssignmentExportRowSchema = servicetitanAssignmentListRowSchema
  .extend({ active: z.boolean() })
  .strict();
export type ServiceTitanAssignment = z.infer<typeof servicetitanAssignmentListRowSchema>;

/**
 * What the appointment readers hand the mapper: the appointment as the vendor sent it (without the
 * export's `active`) and its current technician assignments (dispatch `appointment-assignments`),
 * because the canonical appointment carries `technicianIds` and the appointment row does not.
 */
export const servicetitanAppointmentRecordSchema = z
  .object({
    appointment: servicetitanAppointmentListRowSchema,
    assignments: z.array(servicetitanAssignmentListRowSchema),
  })
  .strict();
export type ServiceTitanAppointmentRecord = z.infer<typeof servicetitanAppointmentRecordSchema>;

const estimateItemSchema = z
  .object({
    id,
    sku: z
      .object({
        id: idOrZero,
        name: z.string(),
        displayName: z.string().nullable(),
        type: z.enum(['Service', 'Material', 'Equipment', 'PriceModifier']),
        soldHours: z.number(),
        generalLedgerAccountId: z.number().int(),
        generalLedgerAccountName: z.string().nullable(),
        modifiedOn: instant,
      })
      .strict(),
    skuAccount: z.string().nullable(),
    description: z.string().nullable(),
    qty: z.number(),
    unitRate: z.number(),
    total: z.number(),
    itemGroupName: z.string().nullable(),
    itemGroupRootId: id.nullable(),
    modifiedOn: instant,
  })
  .strict();

/** sales `Estimates_GetList` / export estimates. */
export const servicetitanEstimateSchema = z
  .object({
    id,
    jobId: id.nullable(),
    projectId: id.nullable(),
    name: z.string().nullable(),
    jobNumber: z.string().nullable(),
    status: z.object({ value: z.number().int(), name: z.enum(['Open', 'Sold', 'Dismissed']) }).strict(),
    summary: z.string().nullable(),
    modifiedOn: instant,
    soldOn: instant.nullable(),
    soldBy: id.nullable(),
    active: z.boolean(),
    items: z.array(estimateItemSchema),
    externalLinks: unmappedList,
  })
  .strict();
export type ServiceTitanEstimate = z.infer<typeof servicetitanEstimateSchema>;

/** The fields of a job an estimate needs (the estimate row names its job, not its customer). */
export const servicetitanEstimateJobSchema = z
  .object({ id, customerId: id, locationId: id.nullable() })
  .strict();

/**
 * What the estimate reader hands the mapper: the estimate row and the customer and location of its job
 * (jpm `Jobs_GetList?ids=`), since the canonical estimate belongs to a customer.
 */
export const servicetitanEstimateRecordSchema = z
  .object({ estimate: servicetitanEstimateSchema, job: servicetitanEstimateJobSchema })
  .strict();
export type ServiceTitanEstimateRecord = z.infer<typeof servicetitanEstimateRecordSchema>;

const invoiceItemSchema = z
  .object({
    id,
    description: z.string().nullable(),
    quantity: decimalString,
    cost: decimalString,
    totalCost: decimalString,
    price: decimalString,
    type: z.enum(['Service', 'Material', 'Equipment', 'PriceModifier']),
    skuName: z.string().nullable(),
    skuId: idOrZero,
    total: decimalString,
    inventory: z.boolean(),
    taxable: z.boolean(),
    membershipTypeId: idOrZero,
    displayName: z.string().nullable(),
    soldHours: z.number().nullable(),
    modifiedOn: instant,
    serviceDate: instant.nullable(),
    order: z.number().int(),
  })
  .strict();

/** accounting `Invoices_GetList` / export invoices (+ `active`): money as decimal strings. */
export const servicetitanInvoiceSchema = z
  .object({
    id,
    syncStatus: z.string().min(1),
    summary: z.string().nullable(),
    referenceNumber: z.string().nullable(),
    invoiceDate: instant.nullable(),
    dueDate: instant.nullable(),
    subTotal: decimalString,
    salesTax: decimalString,
    salesTaxCode: z
      .object({ id, name: z.string().nullable(), taxRate: z.number().nonnegative() })
      .strict()
      .nullable(),
    total: decimalString,
    balance: decimalString,
    customer: z.object({ id }).strict(),
    businessUnit: z.object({ id, name: z.string() }).strict().nullable(),
    termName: z.string().nullable(),
    batch: z.unknown(),
    modifiedOn: instant,
    adjustmentToId: id.nullable(),
    job: z.object({ id, number: z.string(), type: z.string().nullable() }).strict().nullable(),
    projectId: id.nullable(),
    items: z.array(invoiceItemSchema),
    customFields: unmappedList,
    active: z.boolean(),
  })
  .strict();
export type ServiceTitanInvoice = z.infer<typeof servicetitanInvoiceSchema>;

/** accounting `Payments_GetList` / export payments (+ `active`; a voided payment is deleted). */
export const servicetitanPaymentSchema = z
  .object({
    id,
    syncStatus: z.string().min(1),
    referenceNumber: z.string().nullable(),
    date: instant.nullable(),
    type: z.string().nullable(),
    typeId: z.string().nullable(),
    total: decimalString,
    unappliedAmount: decimalString,
    memo: z.string().nullable(),
    customer: z.object({ id }).strict().nullable(),
    batch: z.unknown(),
    generalLedgerAccount: z.unknown(),
    appliedTo: z.array(
      z
        .object({
          appliedTo: id,
          appliedAmount: decimalString,
          appliedOn: instant.nullable(),
          appliedBy: z.string().nullable(),
        })
        .strict(),
    ),
    customFields: unmappedList,
    authCode: z.string().nullable(),
    checkNumber: z.string().nullable(),
    active: z.boolean(),
  })
  .strict();
export type ServiceTitanPayment = z.infer<typeof servicetitanPaymentSchema>;

/** The fields services, materials and equipment share. */
const pricebookShape = {
  id,
  code: z.string(),
  displayName: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  price: z.number(),
  memberPrice: z.number(),
  addOnPrice: z.number(),
  addOnMemberPrice: z.number(),
  hours: z.number().nonnegative(),
  taxable: z.boolean(),
  account: z.unknown(),
  categories: unmappedList,
  assets: unmappedList,
  paysCommission: z.boolean(),
  modifiedOn: instant,
  source: z.unknown(),
  externalId: z.unknown(),
  externalData: unmappedList,
};

/** pricebook `Services_GetList` / export services. */
export const servicetitanServiceSchema = z
  .object({
    ...pricebookShape,
    warranty: z.unknown(),
    isLabor: z.boolean(),
    recommendations: unmappedList,
    upgrades: unmappedList,
    serviceMaterials: unmappedList,
    serviceEquipment: unmappedList,
    crossSaleGroup: z.unknown(),
  })
  .strict();

/** pricebook `Materials_GetList` / export materials. */
export const servicetitanMaterialSchema = z
  .object({
    ...pricebookShape,
    cost: z.number(),
    commissionBonus: z.number(),
    deductAsJobCost: z.boolean(),
    unitOfMeasure: z.string().nullable(),
    isInventory: z.boolean(),
    costOfSaleAccount: z.unknown(),
    assetAccount: z.unknown(),
    primaryVendor: z.unknown(),
    otherVendors: unmappedList,
  })
  .strict();

/** pricebook `Equipment_GetList` / export equipment. */
export const servicetitanEquipmentSchema = z
  .object({
    ...pricebookShape,
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    manufacturerWarranty: z.unknown(),
    serviceProviderWarranty: z.unknown(),
    recommendations: unmappedList,
    upgrades: unmappedList,
    equipmentMaterials: unmappedList,
    primaryVendor: z.unknown(),
    otherVendors: unmappedList,
    costOfSaleAccount: z.unknown(),
    assetAccount: z.unknown(),
    crossSaleGroup: z.unknown(),
    commissionBonus: z.number(),
    cost: z.number(),
    unitOfMeasure: z.string().nullable(),
    isInventory: z.boolean(),
  })
  .strict();

export type ServiceTitanService = z.infer<typeof servicetitanServiceSchema>;
export type ServiceTitanMaterial = z.infer<typeof servicetitanMaterialSchema>;
export type ServiceTitanEquipment = z.infer<typeof servicetitanEquipmentSchema>;

/** memberships `CustomerMemberships_GetList` / export memberships. */
export const servicetitanMembershipSchema = z
  .object({
    id,
    createdOn: instant,
    createdById: id.nullable(),
    modifiedOn: instant,
    followUpOn: instant.nullable(),
    cancellationDate: instant.nullable(),
    from: instant.nullable(),
    nextScheduledBillDate: instant.nullable(),
    to: instant.nullable(),
    billingFrequency: z.string().nullable(),
    renewalBillingFrequency: z.string().nullable(),
    status: z.enum(['Active', 'Suspended', 'Expired', 'Canceled', 'Deleted']),
    followUpStatus: z.string().nullable(),
    active: z.boolean(),
    initialDeferredRevenue: z.number(),
    duration: z.number().int().nullable(),
    renewalDuration: z.number().int().nullable(),
    businessUnitId: id.nullable(),
    customerId: id,
    membershipTypeId: id.nullable(),
    activatedById: id.nullable(),
    activatedFromId: id.nullable(),
    billingTemplateId: id.nullable(),
    cancellationBalanceInvoiceId: id.nullable(),
    cancellationInvoiceId: id.nullable(),
    followUpCustomStatusId: id.nullable(),
    locationId: id.nullable(),
    paymentMethodId: id.nullable(),
    paymentTypeId: id.nullable(),
    recurringLocationId: id.nullable(),
    renewalMembershipTaskId: id.nullable(),
    renewedById: id.nullable(),
    soldById: id.nullable(),
    customerPo: z.string().nullable(),
    importId: z.string().nullable(),
    memo: z.string().nullable(),
  })
  .strict();
export type ServiceTitanMembership = z.infer<typeof servicetitanMembershipSchema>;

/** equipmentsystems `InstalledEquipment_GetList` / export installed-equipment (+ `active`). */
export const servicetitanInstalledEquipmentSchema = z
  .object({
    id,
    locationId: id,
    customerId: id,
    name: z.string(),
    installedOn: instant.nullable(),
    serialNumber: z.string().nullable(),
    memo: z.string().nullable(),
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    cost: z.number(),
    manufacturerWarrantyStart: instant.nullable(),
    manufacturerWarrantyEnd: instant.nullable(),
    serviceProviderWarrantyStart: instant.nullable(),
    serviceProviderWarrantyEnd: instant.nullable(),
    active: z.boolean(),
  })
  .strict();
export type ServiceTitanInstalledEquipment = z.infer<typeof servicetitanInstalledEquipmentSchema>;

/*
 * Settings lists the write side reads ids from (business units, job types, campaigns, payment types,
 * job hold and cancel reasons, employees). Not strict: only the fields a write needs are read, and these
 * are never stored, so an extra field is not drift.
 */
export const servicetitanNamedLookupSchema = z.object({
  id,
  name: z.string(),
  active: z.boolean().optional(),
  businessUnitIds: z.array(id).nullish(),
});
export type ServiceTitanNamedLookup = z.infer<typeof servicetitanNamedLookupSchema>;
