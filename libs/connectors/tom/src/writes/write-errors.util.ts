import type { VendorWriteError } from '@fieldsync/connector-kit';

/** A vendor request field → the command field it came from (e.g. `Phone` → `payload.primaryContact.phone`). */
export type FieldMap = Readonly<Record<string, string>>;

/**
 * A refusal of Total Office Manager (a 4xx answer, or a success status whose body says it failed) as the
 * VendorWriteError the writer turns into a result: not_found, schedule_conflict (a technician booked
 * twice), validation_failed or vendor_rejected, with `field` the command's field (through `fields`) and
 * `vendorCode` the vendor's own code. The message names the call, the status and the vendor's messages,
 * never a header or cookie. Not written yet.
 */
export function toWriteError(
  call: string,
  status: number,
  _body: string,
  _fields: FieldMap = {},
): VendorWriteError {
  throw new Error(
    `not implemented: toWriteError for ${call} (HTTP ${String(status)}) (writes/write-errors.util.ts)`,
  );
}
