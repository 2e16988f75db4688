import type { StoredRecord } from '@fieldsync/sandbox-world';

/**
 * What Jobber still holds: deleted and merged-away customers and locations, voided payments, canceled
 * or deleted appointments and deleted estimates are gone (Jobber deletes them; a connector only notices
 * by their absence or a DESTROY webhook).
 */
export const isClientVisible = (c: StoredRecord<'customer'>): boolean =>
  c.deletedOn === null && c.mergedToId === null;
export const isPropertyVisible = (l: StoredRecord<'location'>): boolean =>
  l.deletedOn === null && l.mergedToId === null;
export const isVisitVisible = (a: StoredRecord<'appointment'>): boolean =>
  a.deletedOn === null && a.status !== 'Canceled';
export const isEstimateVisible = (e: StoredRecord<'estimate'>): boolean => e.deletedOn === null;
export const isPaymentVisible = (p: StoredRecord<'payment'>): boolean => p.deletedOn === null;
export const isRecordVisible = (r: { deletedOn: number | null }): boolean => r.deletedOn === null;
