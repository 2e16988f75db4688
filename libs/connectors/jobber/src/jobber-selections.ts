import type { JobberSelection } from './jobber-query.util';

/*
 * What the readers and the write side's read-backs select of each Jobber object: one definition, so
 * a record a command read back is field for field what the next poll reads (the writer stores it, and
 * the extractor then finds nothing new).
 */

export const ID: JobberSelection = ['id'];
/** A client's tag: its label (Jobber's tags are free text, unique per client). */
export const TAG: JobberSelection = ['label'];
const ADDRESS = ['street', 'street1', 'street2', 'city', 'province', 'postalCode', 'country'];

export const PROPERTY: JobberSelection = [
  'id',
  'name',
  { name: 'address', fields: [...ADDRESS, { name: 'coordinates', fields: ['latitude', 'longitude'] }] },
  { name: 'client', fields: ['id', 'createdAt'] },
  { name: 'taxRate', fields: ['id', 'name', 'tax'] },
];
const CLIENT_FIELDS: JobberSelection = [
  'id',
  'firstName',
  'lastName',
  'companyName',
  'isCompany',
  'name',
  { name: 'emails', fields: ['address', 'primary', 'description'] },
  { name: 'phones', fields: ['number', 'primary', 'description', 'smsAllowed'] },
  { name: 'billingAddress', fields: ADDRESS },
  'balance',
  'isLead',
  'isArchived',
  'createdAt',
  'updatedAt',
  { name: 'tags', first: 5, nodes: TAG },
];
export const CLIENT: JobberSelection = [
  ...CLIENT_FIELDS,
  { name: 'clientProperties', first: 5, nodes: PROPERTY },
];
export const VISIT: JobberSelection = [
  'id',
  'title',
  'instructions',
  'visitStatus',
  'startAt',
  'endAt',
  'isComplete',
  'completedAt',
  { name: 'assignedUsers', first: 5, nodes: ID },
  { name: 'job', fields: ID },
  { name: 'client', fields: ID },
  { name: 'property', fields: ID },
  'createdAt',
];
export const JOB: JobberSelection = [
  'id',
  'jobNumber',
  'title',
  'instructions',
  'jobStatus',
  'jobType',
  'total',
  'startAt',
  'endAt',
  'completedAt',
  { name: 'client', fields: ID },
  { name: 'property', fields: ID },
  { name: 'quote', fields: ID },
  'createdAt',
  'updatedAt',
  { name: 'visits', first: 5, nodes: VISIT },
];
export const LINE_ITEM: JobberSelection = [
  'id',
  'name',
  'description',
  'quantity',
  'unitPrice',
  'totalPrice',
  'taxable',
  { name: 'linkedProductOrService', fields: ['id', 'category'] },
];
export const QUOTE: JobberSelection = [
  'id',
  'quoteNumber',
  'quoteStatus',
  'title',
  { name: 'amounts', fields: ['subtotal', 'taxAmount', 'discountAmount', 'depositAmount', 'total'] },
  { name: 'client', fields: ID },
  { name: 'property', fields: ID },
  { name: 'request', fields: ID },
  { name: 'salesperson', fields: ID },
  'createdAt',
  'updatedAt',
  { name: 'lineItems', first: 10, nodes: LINE_ITEM },
];
export const REQUEST: JobberSelection = [
  'id',
  'title',
  'requestStatus',
  'source',
  { name: 'client', fields: ID },
  { name: 'property', fields: ID },
  'createdAt',
  'updatedAt',
];
export const INVOICE: JobberSelection = [
  'id',
  'invoiceNumber',
  'invoiceStatus',
  'subject',
  'issuedDate',
  'dueDate',
  'receivedDate',
  {
    name: 'amounts',
    fields: [
      'subtotal',
      'taxAmount',
      'discountAmount',
      'depositAmount',
      'paymentsTotal',
      'tipsTotal',
      'invoiceBalance',
      'total',
    ],
  },
  { name: 'client', fields: ID },
  'createdAt',
  'updatedAt',
  { name: 'lineItems', first: 10, nodes: LINE_ITEM },
  { name: 'jobs', first: 1, nodes: ID },
  { name: 'properties', first: 1, nodes: ID },
];
export const PAYMENT_RECORD: JobberSelection = [
  'id',
  'amount',
  'tipAmount',
  'entryDate',
  'paymentType',
  'details',
  { name: 'client', fields: ID },
  { name: 'invoice', fields: ID },
];
export const USER: JobberSelection = [
  'id',
  { name: 'name', fields: ['first', 'last', 'full'] },
  { name: 'email', fields: ['raw'] },
  { name: 'phone', fields: ['raw', 'friendly'] },
  'status',
  'isAccountOwner',
  'createdAt',
];
export const PRODUCT_OR_SERVICE: JobberSelection = [
  'id',
  'name',
  'description',
  'category',
  'defaultUnitCost',
  'internalUnitCost',
  'taxable',
  'durationMinutes',
];
