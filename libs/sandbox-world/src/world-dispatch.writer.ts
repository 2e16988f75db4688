import { ASSIGNMENT_STATUS_FOR } from './world-assignment-status.constants';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { assertWindow, type TimeWindow, type WorldRules } from './world.rules';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

/** How a booking treats the technician's other appointments in the same window. */
export interface OverlapOptions {
  /** Skip the double-booking refusal and stamp `overlapAllowed` on the assignments that overlap. */
  readonly allowOverlap?: boolean;
}

/** Technicians on appointments: moving an appointment in time, assigning and unassigning its technicians. */
export class WorldDispatchWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  rescheduleAppointment(
    id: number,
    window: TimeWindow & { arrivalWindowStart?: number; arrivalWindowEnd?: number },
    options: OverlapOptions = {},
  ): StoredRecord<'appointment'> {
    const appointment = this.rules.assertUsable('appointment', id);
    this.rules.assertAppointmentOpen(appointment);
    assertWindow(window);
    const overlapping: StoredRecord<'assignment'>[] = [];
    for (const a of this.activeAssignments(id)) {
      if (!options.allowOverlap) {
        this.rules.assertTechnicianFree(a.technicianId, window, { ignoreAppointmentId: id });
      } else if (!a.overlapAllowed && !this.rules.isTechnicianFree(a.technicianId, window, id)) {
        overlapping.push(a);
      }
    }
    // The move itself makes these bookings overlap, so they carry the mark the invariants look for.
    for (const a of overlapping) this.store.update('assignment', a.id, { overlapAllowed: true });
    return this.store.update('appointment', id, {
      start: window.start,
      end: window.end,
      arrivalWindowStart: window.arrivalWindowStart ?? window.start,
      arrivalWindowEnd: window.arrivalWindowEnd ?? window.end,
    });
  }

  assignTechnicians(
    appointmentId: number,
    technicianIds: readonly number[],
    assignedById: number | null = null,
    options: OverlapOptions = {},
  ): StoredRecord<'assignment'>[] {
    const appointment = this.rules.assertUsable('appointment', appointmentId);
    this.rules.assertAppointmentOpen(appointment);
    const current = new Set(this.activeAssignments(appointmentId).map((a) => a.technicianId));
    for (const technicianId of technicianIds) {
      this.rules.assertTechnician(technicianId);
      if (current.has(technicianId)) {
        throw new WorldRuleError(
          WorldRuleCode.DuplicateAssignment,
          `technician ${technicianId} is already assigned`,
          {
            technicianId,
            appointmentId,
          },
        );
      }
      if (!options.allowOverlap) {
        this.rules.assertTechnicianFree(technicianId, appointment, { ignoreAppointmentId: appointmentId });
      }
    }
    if (new Set(technicianIds).size !== technicianIds.length) {
      throw new WorldRuleError(WorldRuleCode.DuplicateAssignment, 'a technician is listed twice', {
        appointmentId,
      });
    }
    const status = ASSIGNMENT_STATUS_FOR[appointment.status] ?? 'Scheduled';
    return technicianIds.map((technicianId) =>
      this.store.create('assignment', {
        appointmentId,
        jobId: appointment.jobId,
        technicianId,
        assignedOn: this.store.clock.now(),
        assignedById,
        status,
        ...this.overlapMark(technicianId, appointment, appointmentId, options),
      }),
    );
  }

  /** Unassigning soft-deletes the assignment rows. */
  unassignTechnicians(appointmentId: number, technicianIds: readonly number[]): StoredRecord<'assignment'>[] {
    const appointment = this.rules.assertUsable('appointment', appointmentId);
    this.rules.assertAppointmentOpen(appointment);
    const active = this.activeAssignments(appointmentId);
    return technicianIds.map((technicianId) => {
      const row = active.find((a) => a.technicianId === technicianId);
      if (!row) {
        throw new WorldRuleError(
          WorldRuleCode.NotFound,
          `technician ${technicianId} is not on appointment ${appointmentId}`,
          {
            technicianId,
            appointmentId,
          },
        );
      }
      return this.store.softDelete('assignment', row.id);
    });
  }

  activeAssignments(appointmentId: number): StoredRecord<'assignment'>[] {
    return this.store
      .children('assignment', 'appointmentId', appointmentId)
      .filter((a) => a.deletedOn === null);
  }

  /**
   * `{ overlapAllowed: true }` when overlap is allowed and the technician really is booked elsewhere in
   * the window; otherwise nothing, so bookings that overlap nothing stay exactly as they always were.
   */
  overlapMark(
    technicianId: number,
    window: TimeWindow,
    appointmentId: number,
    options: OverlapOptions,
  ): { overlapAllowed?: true } {
    return options.allowOverlap && !this.rules.isTechnicianFree(technicianId, window, appointmentId)
      ? { overlapAllowed: true }
      : {};
  }
}
