import type { StoredRecord, WorldStore } from './world.store';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import type {
  AppointmentStatus,
  EstimateStatus,
  InvoiceStatus,
  JobStatus,
  MembershipStatus,
  WorldEntity,
} from './world.schema';

/** Legal status moves. Completed and Canceled jobs, Done and Canceled appointments are closed for good. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  Scheduled: ['InProgress', 'Hold', 'Completed', 'Canceled'],
  InProgress: ['Hold', 'Completed', 'Canceled'],
  Hold: ['Scheduled', 'InProgress', 'Canceled'],
  Completed: [],
  Canceled: [],
};
export const APPOINTMENT_TRANSITIONS: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  Scheduled: ['Dispatched', 'Hold', 'Canceled'],
  Dispatched: ['Working', 'Scheduled', 'Hold', 'Canceled'],
  Working: ['Done', 'Hold'],
  Hold: ['Scheduled', 'Dispatched', 'Canceled'],
  Done: [],
  Canceled: [],
};
export const ESTIMATE_TRANSITIONS: Readonly<Record<EstimateStatus, readonly EstimateStatus[]>> = {
  Open: ['Sold', 'Dismissed'],
  Sold: [],
  Dismissed: [],
};
export const INVOICE_TRANSITIONS: Readonly<Record<InvoiceStatus, readonly InvoiceStatus[]>> = {
  Pending: ['Posted'],
  Posted: ['Exported'],
  Exported: [],
};
export const MEMBERSHIP_TRANSITIONS: Readonly<Record<MembershipStatus, readonly MembershipStatus[]>> = {
  Active: ['Suspended', 'Expired', 'Canceled'],
  Suspended: ['Active', 'Expired', 'Canceled'],
  Expired: [],
  Canceled: [],
};
const TRANSITIONS = {
  job: JOB_TRANSITIONS,
  appointment: APPOINTMENT_TRANSITIONS,
  estimate: ESTIMATE_TRANSITIONS,
  invoice: INVOICE_TRANSITIONS,
  membership: MEMBERSHIP_TRANSITIONS,
} as const;
export type StatusEntity = keyof typeof TRANSITIONS;
type StatusOf<E extends StatusEntity> = keyof (typeof TRANSITIONS)[E] & string;

export const CLOSED_JOB_STATUSES: readonly JobStatus[] = ['Completed', 'Canceled'];
export const CLOSED_APPOINTMENT_STATUSES: readonly AppointmentStatus[] = ['Done', 'Canceled'];

export function canTransition<E extends StatusEntity>(
  entity: E,
  from: StatusOf<E>,
  to: StatusOf<E>,
): boolean {
  const table = TRANSITIONS[entity] as Readonly<Record<string, readonly string[]>>;
  return (table[from] ?? []).includes(to);
}

/** A status move along the vendor's legal transitions; anything else (reopening included) is refused. */
export function assertTransition<E extends StatusEntity>(
  entity: E,
  from: StatusOf<E>,
  to: StatusOf<E>,
): void {
  if (!canTransition(entity, from, to)) {
    throw new WorldRuleError(WorldRuleCode.IllegalTransition, `${entity} cannot move from ${from} to ${to}`, {
      entity,
      from,
      to,
    });
  }
}

/** Every named field present and non-empty (null, undefined, '' and [] count as missing). */
export function assertRequired(entity: WorldEntity, input: object, fields: readonly string[]): void {
  for (const field of fields) {
    const value = (input as Record<string, unknown>)[field];
    if (
      value === undefined ||
      value === null ||
      value === '' ||
      (Array.isArray(value) && value.length === 0)
    ) {
      throw new WorldRuleError(WorldRuleCode.RequiredField, `${entity}.${field} is required`, {
        entity,
        field,
      });
    }
  }
}

/** A time window [start, end), epoch ms. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export function assertWindow(window: TimeWindow): void {
  if (!Number.isInteger(window.start) || !Number.isInteger(window.end) || window.end <= window.start) {
    throw new WorldRuleError(WorldRuleCode.InvalidWindow, 'an appointment must end after it starts', {
      start: window.start,
      end: window.end,
    });
  }
}

/** Appointments that hold a technician's time: not canceled, not deleted. */
export function occupiesTime(appointment: StoredRecord<'appointment'>): boolean {
  return appointment.status !== 'Canceled' && appointment.deletedOn === null;
}

/** Vendor-side validation over the current state of one world. */
export class WorldRules {
  constructor(private readonly store: WorldStore) {}

  /** The record exists, is not deleted, not merged away (and active unless `allowInactive`). */
  assertUsable<E extends WorldEntity>(
    entity: E,
    id: number,
    options: { allowInactive?: boolean } = {},
  ): StoredRecord<E> {
    const record = this.store.require(entity, id);
    if (record.deletedOn !== null) {
      throw new WorldRuleError(WorldRuleCode.RecordDeleted, `${entity} ${id} is deleted`, { entity, id });
    }
    const mergedToId = (record as { mergedToId?: number | null }).mergedToId;
    if (mergedToId !== undefined && mergedToId !== null) {
      throw new WorldRuleError(WorldRuleCode.RecordMerged, `${entity} ${id} was merged into ${mergedToId}`, {
        entity,
        id,
        mergedToId,
      });
    }
    if (!record.active && !options.allowInactive) {
      throw new WorldRuleError(WorldRuleCode.RecordInactive, `${entity} ${id} is inactive`, { entity, id });
    }
    return record;
  }

  assertTechnician(technicianId: number): StoredRecord<'employee'> {
    const employee = this.assertUsable('employee', technicianId);
    if (employee.role !== 'Technician') {
      throw new WorldRuleError(WorldRuleCode.NotATechnician, `employee ${technicianId} is not a technician`, {
        technicianId,
        role: employee.role,
      });
    }
    return employee;
  }

  /**
   * The technician has no other time-holding appointment overlapping `window` (touching ends are
   * fine). `ignoreAppointmentId` is the appointment being rescheduled.
   */
  assertTechnicianFree(
    technicianId: number,
    window: TimeWindow,
    options: { ignoreAppointmentId?: number } = {},
  ): void {
    assertWindow(window);
    const clash = this.findClash(technicianId, window, options.ignoreAppointmentId);
    if (clash) {
      throw new WorldRuleError(
        WorldRuleCode.TechnicianDoubleBooked,
        `technician ${technicianId} is already booked on appointment ${clash.id} in that window`,
        { technicianId, conflictingAppointmentId: clash.id, start: window.start, end: window.end },
      );
    }
  }

  isTechnicianFree(technicianId: number, window: TimeWindow, ignoreAppointmentId?: number): boolean {
    return this.findClash(technicianId, window, ignoreAppointmentId) === undefined;
  }

  /** New appointments only on open jobs. */
  assertJobOpen(job: StoredRecord<'job'>): void {
    if (CLOSED_JOB_STATUSES.includes(job.status)) {
      throw new WorldRuleError(WorldRuleCode.JobClosed, `job ${job.id} is ${job.status}`, {
        jobId: job.id,
        status: job.status,
      });
    }
  }

  /** Reschedules and reassignments only on appointments that are not Done or Canceled. */
  assertAppointmentOpen(appointment: StoredRecord<'appointment'>): void {
    if (CLOSED_APPOINTMENT_STATUSES.includes(appointment.status)) {
      throw new WorldRuleError(
        WorldRuleCode.AppointmentClosed,
        `appointment ${appointment.id} is ${appointment.status}`,
        { appointmentId: appointment.id, status: appointment.status },
      );
    }
  }

  private findClash(
    technicianId: number,
    window: TimeWindow,
    ignoreAppointmentId: number | undefined,
  ): StoredRecord<'appointment'> | undefined {
    for (const assignment of this.store.children('assignment', 'technicianId', technicianId)) {
      if (assignment.deletedOn !== null || assignment.appointmentId === ignoreAppointmentId) continue;
      const appointment = this.store.get('appointment', assignment.appointmentId);
      if (!appointment || !occupiesTime(appointment)) continue;
      if (appointment.start < window.end && window.start < appointment.end) return appointment;
    }
    return undefined;
  }
}
