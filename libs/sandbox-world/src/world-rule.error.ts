/** What a vendor refuses; later write endpoints render these as each vendor's error shape. */
export enum WorldRuleCode {
  RequiredField = 'required_field',
  InvalidValue = 'invalid_value',
  NotFound = 'not_found',
  RecordDeleted = 'record_deleted',
  RecordMerged = 'record_merged',
  RecordInactive = 'record_inactive',
  ReferenceMismatch = 'reference_mismatch',
  NotATechnician = 'not_a_technician',
  TechnicianDoubleBooked = 'technician_double_booked',
  DuplicateAssignment = 'duplicate_assignment',
  InvalidWindow = 'invalid_window',
  IllegalTransition = 'illegal_transition',
  JobClosed = 'job_closed',
  AppointmentClosed = 'appointment_closed',
  AmountExceedsBalance = 'amount_exceeds_balance',
  InvalidMerge = 'invalid_merge',
}

export class WorldRuleError extends Error {
  override readonly name = 'WorldRuleError';
  /** A vendor rule refusal is final: retrying the same write gives the same answer. */
  readonly retriable = false;

  constructor(
    readonly code: WorldRuleCode,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type WorldResult<T> = { ok: true; value: T } | { ok: false; error: WorldRuleError };

/** Runs `fn`, turning a WorldRuleError into a value; anything else is a bug and propagates. */
export function attempt<T>(fn: () => T): WorldResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof WorldRuleError) return { ok: false, error: err };
    throw err;
  }
}
