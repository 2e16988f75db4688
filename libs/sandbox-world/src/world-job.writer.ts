import { ASSIGNMENT_STATUS_FOR } from './world-assignment-status.constants';
import type { WorldDispatchWriter } from './world-dispatch.writer';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import {
  assertRequired,
  assertTransition,
  assertWindow,
  CLOSED_APPOINTMENT_STATUSES,
  type WorldRules,
} from './world.rules';
import type { AppointmentStatus, Job, JobStatus } from './world.schema';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

/** Job numbers are the job's ordinal plus this base: "10001", "10002", … */
export const JOB_NUMBER_BASE = 10_001;

export interface NewAppointmentInput {
  readonly start: number;
  readonly end: number;
  /** Defaults to [start, end]. */
  readonly arrivalWindowStart?: number;
  readonly arrivalWindowEnd?: number;
  readonly technicianIds?: readonly number[];
  readonly specialInstructions?: string | null;
  /**
   * Book the technicians even over their other appointments in that window (Jobber's calendar holds
   * overlapping visits; the office decides). The overlapping assignments say so with `overlapAllowed`.
   */
  readonly allowOverlap?: boolean;
}

export interface NewJobInput {
  readonly customerId: number;
  readonly locationId: number;
  readonly businessUnitId: number;
  readonly jobTypeId: number;
  readonly campaignId: number;
  readonly priority: Job['priority'];
  readonly summary?: string;
  readonly soldById?: number | null;
  readonly externalData?: readonly { key: string; value: string }[];
  readonly appointments: readonly NewAppointmentInput[];
}

/**
 * Jobs and their appointments: booking them and moving both along their statuses (a job's status
 * follows its appointments' and closing a job closes them).
 */
export class WorldJobWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
    private readonly dispatch: WorldDispatchWriter,
  ) {}

  createJob(input: NewJobInput): {
    job: StoredRecord<'job'>;
    appointments: StoredRecord<'appointment'>[];
  } {
    assertRequired('job', input, [
      'customerId',
      'locationId',
      'businessUnitId',
      'jobTypeId',
      'priority',
      'campaignId',
      'appointments',
    ]);
    const customer = this.rules.assertUsable('customer', input.customerId);
    if (customer.doNotService) {
      throw new WorldRuleError(
        WorldRuleCode.InvalidValue,
        `customer ${customer.id} is marked do-not-service`,
        {
          customerId: customer.id,
        },
      );
    }
    const location = this.rules.assertUsable('location', input.locationId);
    if (location.customerId !== customer.id) {
      throw new WorldRuleError(
        WorldRuleCode.ReferenceMismatch,
        `location ${location.id} is not the customer's`,
        {
          customerId: customer.id,
          locationId: location.id,
        },
      );
    }
    this.rules.assertUsable('businessUnit', input.businessUnitId);
    this.rules.assertUsable('jobType', input.jobTypeId);
    this.rules.assertUsable('campaign', input.campaignId);
    if (input.soldById != null) this.rules.assertUsable('employee', input.soldById);
    input.appointments.forEach((a, i) => {
      this.checkAppointment(a);
      // Two appointments of the new job may not double-book a technician either, unless one allows it.
      for (const other of input.appointments.slice(0, i)) {
        if (a.allowOverlap || other.allowOverlap) continue;
        const shared = (a.technicianIds ?? []).find((t) => (other.technicianIds ?? []).includes(t));
        if (shared !== undefined && a.start < other.end && other.start < a.end) {
          throw new WorldRuleError(
            WorldRuleCode.TechnicianDoubleBooked,
            `technician ${shared} booked twice`,
            {
              technicianId: shared,
            },
          );
        }
      }
    });
    const jobCount = this.store.count('job');
    const job = this.store.create('job', {
      jobNumber: String(JOB_NUMBER_BASE + jobCount),
      customerId: customer.id,
      locationId: location.id,
      businessUnitId: input.businessUnitId,
      jobTypeId: input.jobTypeId,
      campaignId: input.campaignId,
      priority: input.priority,
      status: 'Scheduled',
      summary: input.summary ?? '',
      completedOn: null,
      canceledOn: null,
      soldById: input.soldById ?? null,
      externalData: (input.externalData ?? []).map((e) => ({ key: e.key, value: e.value })),
    });
    const appointments = input.appointments.map((a) => this.insertAppointment(job, a));
    return { job, appointments };
  }

  addAppointment(jobId: number, input: NewAppointmentInput): StoredRecord<'appointment'> {
    const job = this.rules.assertUsable('job', jobId);
    this.rules.assertJobOpen(job);
    this.checkAppointment(input);
    return this.insertAppointment(job, input);
  }

  /**
   * Moves an appointment along its legal transitions; its assignments follow. Working starts the job;
   * Done on the job's last open appointment completes it.
   */
  setAppointmentStatus(id: number, status: AppointmentStatus): StoredRecord<'appointment'> {
    const before = this.rules.assertUsable('appointment', id);
    assertTransition('appointment', before.status, status);
    const job = this.store.require('job', before.jobId);
    if (status !== 'Canceled') this.rules.assertJobOpen(job);
    const after = this.writeAppointmentStatus(before, status);
    if (status === 'Working' && (job.status === 'Scheduled' || job.status === 'Hold')) {
      this.store.update('job', job.id, { status: 'InProgress' });
    }
    if (status === 'Done' && !this.openAppointments(job.id).length && job.status === 'InProgress') {
      this.store.update('job', job.id, { status: 'Completed', completedOn: this.store.clock.now() });
    }
    return after;
  }

  /**
   * Moves a job along its legal transitions. Completing closes its open appointments as Done;
   * canceling cancels them. Completed and Canceled are final.
   */
  setJobStatus(id: number, status: JobStatus): StoredRecord<'job'> {
    const job = this.rules.assertUsable('job', id);
    assertTransition('job', job.status, status);
    const now = this.store.clock.now();
    if (status === 'Completed' || status === 'Canceled') {
      for (const appointment of this.openAppointments(id)) {
        this.writeAppointmentStatus(appointment, status === 'Completed' ? 'Done' : 'Canceled');
      }
    }
    return this.store.update('job', id, {
      status,
      ...(status === 'Completed' ? { completedOn: now } : {}),
      ...(status === 'Canceled' ? { canceledOn: now } : {}),
    });
  }

  /** Appointments of the job that are not Done or Canceled (and not deleted). */
  openAppointments(jobId: number): StoredRecord<'appointment'>[] {
    return this.store
      .children('appointment', 'jobId', jobId)
      .filter((a) => a.deletedOn === null && !CLOSED_APPOINTMENT_STATUSES.includes(a.status));
  }

  private checkAppointment(input: NewAppointmentInput): void {
    assertRequired('appointment', input, ['start', 'end']);
    assertWindow(input);
    const arrivalStart = input.arrivalWindowStart ?? input.start;
    const arrivalEnd = input.arrivalWindowEnd ?? input.end;
    if (arrivalEnd < arrivalStart) {
      throw new WorldRuleError(WorldRuleCode.InvalidWindow, 'the arrival window ends before it starts', {
        arrivalStart,
        arrivalEnd,
      });
    }
    const ids = input.technicianIds ?? [];
    if (new Set(ids).size !== ids.length) {
      throw new WorldRuleError(WorldRuleCode.DuplicateAssignment, 'a technician is listed twice', {});
    }
    for (const technicianId of ids) {
      this.rules.assertTechnician(technicianId);
      if (!input.allowOverlap) this.rules.assertTechnicianFree(technicianId, input);
    }
  }

  private insertAppointment(
    job: StoredRecord<'job'>,
    input: NewAppointmentInput,
  ): StoredRecord<'appointment'> {
    const n = this.store.children('appointment', 'jobId', job.id).length + 1;
    const appointment = this.store.create('appointment', {
      jobId: job.id,
      customerId: job.customerId,
      appointmentNumber: `${job.jobNumber}-${n}`,
      start: input.start,
      end: input.end,
      arrivalWindowStart: input.arrivalWindowStart ?? input.start,
      arrivalWindowEnd: input.arrivalWindowEnd ?? input.end,
      status: 'Scheduled',
      specialInstructions: input.specialInstructions ?? null,
    });
    const now = this.store.clock.now();
    for (const technicianId of input.technicianIds ?? []) {
      this.store.create('assignment', {
        appointmentId: appointment.id,
        jobId: job.id,
        technicianId,
        assignedOn: now,
        assignedById: null,
        status: 'Scheduled',
        ...this.dispatch.overlapMark(technicianId, input, appointment.id, input),
      });
    }
    return appointment;
  }

  private writeAppointmentStatus(
    before: StoredRecord<'appointment'>,
    status: AppointmentStatus,
  ): StoredRecord<'appointment'> {
    const after = this.store.update('appointment', before.id, { status });
    const assignmentStatus = ASSIGNMENT_STATUS_FOR[status];
    if (assignmentStatus) {
      for (const a of this.dispatch.activeAssignments(before.id)) {
        if (a.status !== assignmentStatus)
          this.store.update('assignment', a.id, { status: assignmentStatus });
      }
    }
    return after;
  }
}
