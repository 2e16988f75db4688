import { createHash } from 'node:crypto';

/**
 * Housecall Pro's ids: a resource prefix and 32 lowercase hex digits (`cus_…`, `job_…`, `est_…`,
 * `pro_…`, `appt_…`; vendors.md §3). The sandbox derives them from the world's numeric ids: 24 hex of a
 * hash of (kind, id) then the id in 8 hex, so an id reads as the vendor's (opaque, random-looking) and
 * still resolves back to its record without an index; a made-up or other-kind id resolves to nothing.
 */
export const HCP_ID_PREFIX = {
  customer: 'cus_',
  billingAddress: 'adr_',
  serviceAddress: 'adr_',
  job: 'job_',
  appointment: 'appt_',
  estimate: 'est_',
  estimateOption: 'opt_',
  employee: 'pro_',
  invoice: 'invoice_',
  lineItem: 'li_',
  payment: 'pmt_',
  leadSource: 'ls_',
  tag: 'tag_',
  tax: 'tax_',
  // The price book's uuids (the published examples name a material category `pbmatcat_…`).
  pricebookService: 'pbsvc_',
  material: 'pbmat_',
  materialCategory: 'pbmatcat_',
  // The web app's service plan agreements (memberships).
  servicePlan: 'svcplan_',
} as const;
export type HcpIdKind = keyof typeof HCP_ID_PREFIX;

const MAX_ID = 0xffffffff;

function mix(kind: HcpIdKind, id: number): string {
  return createHash('sha256').update(`housecallpro:${kind}:${id}`).digest('hex').slice(0, 24);
}

/** The vendor id of world record `id` of `kind`. */
export function hcpId(kind: HcpIdKind, id: number): string {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`no ${kind} id for ${id}`);
  return `${HCP_ID_PREFIX[kind]}${mix(kind, id)}${id.toString(16).padStart(8, '0')}`;
}

/** The world id behind a vendor id of `kind`, or undefined when it is not one. */
export function worldIdOf(kind: HcpIdKind, value: string): number | undefined {
  const prefix = HCP_ID_PREFIX[kind];
  if (!value.startsWith(prefix)) return undefined;
  const hex = value.slice(prefix.length);
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  const id = Number.parseInt(hex.slice(24), 16);
  return hex.slice(0, 24) === mix(kind, id) ? id : undefined;
}

/** A tag's id, from its name (tags are the office's labels, unique by name). */
export function hcpTagId(name: string): string {
  return `${HCP_ID_PREFIX.tag}${createHash('sha256').update(`housecallpro:tag:${name}`).digest('hex').slice(0, 32)}`;
}

/**
 * A payment's id on one invoice: a payment split across invoices is listed on each with its own amount,
 * so each listing has its own id (not resolvable: no endpoint takes a payment id).
 */
export function hcpPaymentId(paymentId: number, invoiceId: number): string {
  return `${HCP_ID_PREFIX.payment}${createHash('sha256').update(`housecallpro:payment:${paymentId}:${invoiceId}`).digest('hex').slice(0, 32)}`;
}
