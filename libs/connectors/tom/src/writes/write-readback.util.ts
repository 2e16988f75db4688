import type { EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord, WriteContext } from '@fieldsync/connector-kit';

/*
 * Read-backs for the write side: the records a write made, read from Total Office Manager after the write and
 * validated with the read side's wire schemas (tom.schemas.ts), so the writer maps them with the
 * same mapper as the extractor and the canonical store holds what the next read would give. Shared by
 * each write's `find` and `execute`.
 */

export type WriteRecord = Extract<VendorRecord, { kind: 'record' }>;

/** The vendor's record as Total Office Manager now has it, validated; a record that does not fit is an error. */
export async function readBack(
  _ctx: WriteContext,
  entity: EntityType,
  externalId: string,
): Promise<WriteRecord> {
  throw new Error(`not implemented: readBack of ${entity} ${externalId} (writes/write-readback.util.ts)`);
}
