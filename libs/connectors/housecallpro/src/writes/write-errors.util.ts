import { VendorWriteError } from '@fieldsync/connector-kit';
import { HousecallProWriteRefusal } from '../housecallpro.client';

/** A vendor request field → the command field it came from (e.g. `mobile_number` → `payload.primaryContact.phone`). */
export type FieldMap = Readonly<Record<string, string>>;

/** Longest vendor text kept in a result message (the result schema allows 2,000 characters). */
const MAX_MESSAGE = 600;
const CONFLICT = /already (booked|scheduled)|double[- ]?book|overlap/i;

/** The vendor's message of a refusal body: `{ error: { message } }`, `{ message }`, or the text itself. */
export function vendorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown }; message?: unknown };
    const message = parsed.error?.message ?? parsed.message;
    if (typeof message === 'string' && message.trim() !== '') return message.trim();
  } catch {
    // not JSON: the text as it came
  }
  return body.trim() === '' ? 'no reason given' : body.trim();
}

/**
 * The command field a vendor message concerns: the longest vendor field of `fields` the message names as a
 * word (`addresses[0].zip must be 5 digits` → `addresses[0].zip`, else `addresses`), or undefined.
 */
function fieldOf(message: string, fields: FieldMap): string | undefined {
  const named = Object.keys(fields)
    .filter((vendorField) => {
      const escaped = vendorField.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(message);
    })
    .sort((a, b) => b.length - a.length);
  return named[0] === undefined ? undefined : fields[named[0]];
}

/**
 * A refusal of Housecall Pro (a 4xx answer) as the VendorWriteError the writer turns into a result: 404 →
 * not_found, a double booking → schedule_conflict, 400 → validation_failed (the request does not fit), any
 * other 4xx → vendor_rejected; `field` the command's field (through `fields`), `vendorCode` the HTTP
 * status. The message names the call, the status and the vendor's message, never a header or cookie.
 */
export function toWriteError(
  call: string,
  status: number,
  body: string,
  fields: FieldMap = {},
): VendorWriteError {
  const message = vendorMessage(body);
  const code: VendorWriteError['code'] =
    status === 404
      ? 'not_found'
      : CONFLICT.test(message)
        ? 'schedule_conflict'
        : status === 400
          ? 'validation_failed'
          : 'vendor_rejected';
  const field = fieldOf(message, fields);
  const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  return new VendorWriteError(code, `Housecall Pro ${call} refused (HTTP ${String(status)}): ${text}`, {
    ...(field === undefined ? {} : { field }),
    vendorCode: `HTTP ${String(status)}`,
  });
}

/** Runs a vendor write; a 4xx refusal comes out as the command's VendorWriteError (toWriteError). */
export async function refusalsMapped<T>(fields: FieldMap, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof HousecallProWriteRefusal) {
      throw toWriteError(error.call, error.status, error.body, fields);
    }
    throw error;
  }
}
