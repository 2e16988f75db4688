import type { WorldStore } from '@fieldsync/sandbox-world';

/**
 * Fields ServiceTitan keeps on a record that the vendor-neutral world does not model: an estimate's
 * `externalLinks`, an invoice's `summary` and `exportId`, the application a job's `externalData` belongs
 * to, the tags a job was created with (`tagTypeIds`). Kept per world store (a reset world starts with none), written once when the API creates the
 * record, before anyone can read it, so a row still changes exactly when its modifiedOn does.
 */
export interface ServiceTitanAnnotations {
  readonly estimateLinks: Map<number, readonly { name: string | null; url: string | null }[]>;
  readonly invoiceSummary: Map<number, { summary: string | null; exportId: string | null }>;
  readonly jobApplicationGuid: Map<number, string>;
  readonly jobTagTypeIds: Map<number, readonly number[]>;
}

const byStore = new WeakMap<WorldStore, ServiceTitanAnnotations>();

export function annotationsOf(store: WorldStore): ServiceTitanAnnotations {
  let found = byStore.get(store);
  if (!found) {
    found = {
      estimateLinks: new Map(),
      invoiceSummary: new Map(),
      jobApplicationGuid: new Map(),
      jobTagTypeIds: new Map(),
    };
    byStore.set(store, found);
  }
  return found;
}
