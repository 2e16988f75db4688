import { VendorWriteError } from '@fieldsync/connector-kit';
import { WorkizCallError } from '../workiz.client';

/** A vendor request field → the command field it came from (e.g. `PostalCode` → `payload.address.postalCode`). */
export type FieldMap = Readonly<Record<string, string>>;

/**
 * A refusal of Workiz (a 4xx answer: `{flag: false, msg}` from the API, `{status: 'error', error, field}`
 * from the web app) as the VendorWriteError the writer turns into a result: 404 → not_found, else
 * vendor_rejected, with `field` the command's field when Workiz names its own (the web app's `field`, or
 * the field a message starts with: `PostalCode must be 5 digits`) and `vendorCode` Workiz's message. The
 * message names the call, the status and Workiz's words, never a token, secret or cookie.
 */
export function toWriteError(call: string, error: WorkizCallError, fields: FieldMap = {}): VendorWriteError {
  const said = error.vendorMessage ?? error.message;
  const named =
    error.field ??
    Object.keys(fields).find(
      (f) => said.startsWith(`${f} `) || said.startsWith(`${f}:`) || said.includes(`: ${f}`),
    );
  const field = named === undefined ? undefined : fields[named];
  return new VendorWriteError(
    error.status === 404 ? 'not_found' : 'vendor_rejected',
    `Workiz ${call}: HTTP ${String(error.status)} ${said}`,
    { ...(field === undefined ? {} : { field }), vendorCode: said.slice(0, 200), cause: error },
  );
}

/** Runs a Workiz call, turning its refusal into a VendorWriteError (other failures pass through). */
export async function vendorCall<T>(call: string, fields: FieldMap, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof WorkizCallError) throw toWriteError(call, error, fields);
    throw error;
  }
}

/** Refuses a payload value Workiz has no way to take, naming the field. */
export function unsupported(field: string, why: string): VendorWriteError {
  return new VendorWriteError('unsupported', `Workiz ${why}`, { field });
}
