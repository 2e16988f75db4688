import { VendorWriteError } from '@fieldsync/connector-kit';
import type { JobberUserError } from '../jobber.schemas';

/**
 * Jobber `userErrors` (HTTP 200, nothing written) → the VendorWriteError the writer turns into a result.
 * The vendor's path (`input.assignedUserIds.1`) names the mutation's input; the result must name the
 * command's field (`payload.technicians.technicianIds[0]`), which each handler knows: it passes a
 * `FieldOf` built with `commandFields`.
 */

/** The command field a vendor path concerns, or undefined when it concerns none in particular. */
export type FieldOf = (path: readonly string[]) => string | undefined;

/**
 * A FieldOf from a table keyed by the vendor path with `*` for each list index
 * (`input.assignedUserIds.*`); a value is the command field, or a function of the indices found. The
 * longest key that prefixes the path wins, so `input.scheduling` also covers `input.scheduling.startAt`
 * unless that has its own entry.
 */
export function commandFields(
  table: Readonly<Record<string, string | ((indices: readonly number[]) => string)>>,
): FieldOf {
  return (path) => {
    for (let length = path.length; length > 0; length--) {
      const head = path.slice(0, length);
      const key = head.map((segment) => (/^\d+$/.test(segment) ? '*' : segment)).join('.');
      const entry = table[key];
      if (entry === undefined) continue;
      if (typeof entry === 'string') return entry;
      return entry(head.filter((segment) => /^\d+$/.test(segment)).map(Number));
    }
    return undefined;
  };
}

/** Jobber words a double booking this way (the sandbox and the web app alike). */
const CONFLICT = /already (booked|scheduled)|double[- ]?book|overlap/i;
const NOT_FOUND = /not found|does not exist|is not a valid \w+ id/i;

/** The result code of one user error. */
export function writeErrorCodeOf(error: JobberUserError): VendorWriteError['code'] {
  if (CONFLICT.test(error.message)) return 'schedule_conflict';
  if (NOT_FOUND.test(error.message)) return 'not_found';
  return 'vendor_rejected';
}

/** Longest vendor text kept in a result message (the result schema allows 2,000 characters). */
const MAX_MESSAGE = 600;

/**
 * The first user error decides the code and the field (Jobber lists the blocking one first); every
 * message goes into the text. `conflictField` names the command field of a double booking the vendor
 * reports on the whole input (`path: ["input"]`).
 */
export function userErrorsToWriteError(
  operation: string,
  errors: readonly JobberUserError[],
  fieldOf: FieldOf,
  options: { conflictField?: string } = {},
): VendorWriteError {
  const first = errors[0];
  if (first === undefined) {
    return new VendorWriteError('vendor_rejected', `Jobber ${operation} refused the write without a reason`);
  }
  const code = writeErrorCodeOf(first);
  const field = fieldOf(first.path) ?? (code === 'schedule_conflict' ? options.conflictField : undefined);
  const text = errors.map((e) => e.message).join('; ');
  const message = `Jobber ${operation} refused: ${text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text}`;
  return new VendorWriteError(code, message, {
    ...(field === undefined ? {} : { field }),
    ...(first.path.length > 0 ? { vendorCode: first.path.join('.') } : {}),
  });
}

/** The line-item paths of a create mutation's input (`attributes.lineItems.2.unitPrice`) → the command's. */
export function lineFields(
  prefix: string,
): Record<string, string | ((indices: readonly number[]) => string)> {
  const line = (i: readonly number[]) => `payload.lineItems[${i[0] ?? 0}]`;
  return {
    [`${prefix}.lineItems`]: 'payload.lineItems',
    [`${prefix}.lineItems.*`]: line,
    [`${prefix}.lineItems.*.quantity`]: (i) => `${line(i)}.quantity`,
    [`${prefix}.lineItems.*.unitPrice`]: (i) => `${line(i)}.unitPrice`,
    [`${prefix}.lineItems.*.productOrServiceId`]: (i) => `${line(i)}.pricebookItemId`,
  };
}

/**
 * The id of the object a create mutation made (`payload[key].id`). A payload with neither the object nor
 * userErrors is the vendor refusing without saying why.
 */
export function createdId(
  payload: Readonly<Record<string, unknown>>,
  key: string,
  operation: string,
): string {
  const node = payload[key] as { id?: unknown } | null | undefined;
  if (typeof node?.id !== 'string') {
    throw new VendorWriteError(
      'vendor_rejected',
      `Jobber ${operation} answered without a ${key} and without userErrors`,
    );
  }
  return node.id;
}
