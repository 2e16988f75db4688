import { VendorWriteError } from '@fieldsync/connector-kit';

/** ServiceTitan's error body (`ApiErrorResponse`, ASP.NET problem details); every field optional on the way in. */
interface Problem {
  readonly title?: unknown;
  readonly errors?: unknown;
  readonly data?: unknown;
}

/** Vendor request field (prefix) → the command field it came from, e.g. `appointments.technicianIds` → `payload.technicianIds`. */
export type FieldMap = Readonly<Record<string, string>>;

/** `appointments[0].technicianIds` → `appointments.technicianIds` (ServiceTitan names array items by index). */
function normalise(field: string): string {
  return field
    .replace(/\[\d+\]/g, '')
    .replace(/^\$\./, '')
    .replace(/^request\.?/i, '');
}

/**
 * The command field a vendor field concerns: the one mapped to its longest mapped prefix
 * (case-insensitive, as ServiceTitan spells field names either way); undefined when nothing maps.
 */
export function commandFieldOf(vendorField: string, fields: FieldMap): string | undefined {
  const wanted = normalise(vendorField).toLowerCase();
  if (wanted === '') return undefined;
  let best: { vendor: string; command: string } | undefined;
  for (const [vendor, command] of Object.entries(fields)) {
    const key = vendor.toLowerCase();
    if (wanted === key || wanted.startsWith(`${key}.`)) {
      if (!best || key.length > best.vendor.length) best = { vendor: key, command };
    }
  }
  if (!best) return undefined;
  return best.command;
}

const DOUBLE_BOOKING = /double[- ]?book|already booked|technician_double_booked|overlap/i;

/**
 * A 400/404/409 problem answer as the VendorWriteError the writer turns into a result: 404 → not_found;
 * a technician booked twice → schedule_conflict; anything else → vendor_rejected. `field` is the
 * command's field (through `fields`), `vendorCode` the problem's own code (sandbox `data.code`) or title.
 * The message names the call, status and the vendor's messages, never a header or cookie.
 */
export function problemToWriteError(
  call: string,
  status: number,
  bodyText: string,
  fields: FieldMap,
): VendorWriteError {
  let body: Problem = {};
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed !== null && typeof parsed === 'object') body = parsed;
  } catch {
    body = { title: bodyText.slice(0, 200) };
  }
  const title = typeof body.title === 'string' ? body.title : '';
  const errors: [string, string[]][] =
    body.errors !== null && typeof body.errors === 'object'
      ? Object.entries(body.errors as Record<string, unknown>).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.map(String) : [String(v)],
        ])
      : [];
  const data =
    body.data !== null && typeof body.data === 'object' ? (body.data as Record<string, unknown>) : {};
  const dataCode = typeof data['code'] === 'string' ? data['code'] : undefined;
  const [vendorField, messages] = errors.find(([k]) => k !== '') ?? errors[0] ?? ['', []];
  const field = commandFieldOf(vendorField, fields);
  const text = [title, vendorField ? `${vendorField}: ${messages.join(' ')}` : messages.join(' ')]
    .filter((s) => s.trim() !== '')
    .join(' — ');
  const message = `${call}: ${status} ${text}`.trim().slice(0, 1_000);
  const vendorCode = (dataCode ?? (title || undefined))?.slice(0, 200);
  const details = { ...(field ? { field } : {}), ...(vendorCode ? { vendorCode } : {}) };
  if (status === 404) return new VendorWriteError('not_found', message, details);
  const doubleBooked =
    dataCode === 'technician_double_booked' ||
    (dataCode === undefined && DOUBLE_BOOKING.test(`${title} ${messages.join(' ')}`));
  if (doubleBooked) return new VendorWriteError('schedule_conflict', message, details);
  return new VendorWriteError('vendor_rejected', message, details);
}
