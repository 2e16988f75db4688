import type { ActivitySampler } from './world-activity.sampler';
import type { ActivityHandlers } from './world-activity.types';
import type { BillingActivity } from './world-billing.activity';
import { MINUTE } from './world-time.constants';
import * as W from './world-words.constants';
import { APPOINTMENT_TRANSITIONS } from './world.rules';
import type { AppointmentStatus } from './world.schema';
import type { WorldStore } from './world.store';
import type { WorldWriter } from './world.writer';

type ScheduleKind = 'createJob' | 'advanceAppointment' | 'holdOrCancelJob' | 'reschedule' | 'reassign';

/** The next step of an appointment's day: dispatched, working, done; a held one back on the schedule. */
const NEXT_APPOINTMENT_STATUS: Partial<Record<AppointmentStatus, AppointmentStatus>> = {
  Scheduled: 'Dispatched',
  Dispatched: 'Working',
  Working: 'Done',
  Hold: 'Scheduled',
};

/**
 * Jobs and the schedule: booking work, appointments moving through the day (a completed job gets
 * billed), jobs held or canceled, reschedules and reassigned technicians.
 */
export class ScheduleActivity {
  readonly handlers: ActivityHandlers<ScheduleKind> = {
    createJob: (now) => this.createJob(now),
    advanceAppointment: () => this.advanceAppointment(),
    holdOrCancelJob: () => this.holdOrCancelJob(),
    reschedule: (now) => this.reschedule(now),
    reassign: () => this.reassign(),
  };

  constructor(
    private readonly writer: WorldWriter,
    private readonly store: WorldStore,
    private readonly sample: ActivitySampler,
    private readonly billing: BillingActivity,
  ) {}

  private createJob(now: number): ['job', number] | null {
    const rng = this.sample.rng;
    const location = this.sample.pick('location', (l) => l.active && this.sample.isServiceable(l.customerId));
    const jobType = this.sample.pick('jobType', (t) => t.active);
    const campaign = this.sample.pick('campaign', (c) => c.active);
    if (!location || !jobType || !campaign) return null;
    const window = this.sample.futureWindow(now, jobType.durationMinutes);
    const tech = this.sample.freeTechnician(window);
    const { job } = this.writer.createJob({
      customerId: location.customerId,
      locationId: location.id,
      businessUnitId: jobType.businessUnitId,
      jobTypeId: jobType.id,
      campaignId: campaign.id,
      priority: rng.pick(['Normal', 'Normal', 'High', 'Urgent', 'Low'] as const),
      summary: rng.pick(W.JOB_SUMMARIES),
      externalData: rng.chance(0.1) ? [{ key: 'source', value: 'online-booking' }] : [],
      appointments: [
        {
          ...window,
          arrivalWindowStart: window.start,
          arrivalWindowEnd: window.start + 2 * 3_600_000,
          technicianIds: tech ? [tech] : [],
        },
      ],
    });
    return ['job', job.id];
  }

  private advanceAppointment(): ['appointment', number] | null {
    const next = NEXT_APPOINTMENT_STATUS;
    const a = this.sample.pick('appointment', (x) => x.deletedOn === null && next[x.status] !== undefined);
    if (!a) return null;
    const to = next[a.status] as AppointmentStatus;
    if (!APPOINTMENT_TRANSITIONS[a.status].includes(to)) return null;
    this.writer.setAppointmentStatus(a.id, to);
    const job = this.store.require('job', a.jobId);
    if (job.status === 'Completed' && !this.store.children('invoice', 'jobId', job.id).length) {
      this.billing.invoiceJob(job);
    }
    return ['appointment', a.id];
  }

  private holdOrCancelJob(): ['job', number] | null {
    const rng = this.sample.rng;
    const job = this.sample.pick(
      'job',
      (j) => j.deletedOn === null && j.status !== 'Completed' && j.status !== 'Canceled',
    );
    if (!job) return null;
    const to =
      job.status === 'Hold'
        ? rng.pick(['Scheduled', 'Canceled'] as const)
        : rng.pick(['Hold', 'Canceled'] as const);
    this.writer.setJobStatus(job.id, to);
    return ['job', job.id];
  }

  private reschedule(now: number): ['appointment', number] | null {
    const a = this.sample.pick(
      'appointment',
      (x) => x.deletedOn === null && ['Scheduled', 'Dispatched', 'Hold'].includes(x.status),
    );
    if (!a) return null;
    const window = this.sample.futureWindow(now, Math.round((a.end - a.start) / MINUTE));
    this.writer.rescheduleAppointment(a.id, {
      ...window,
      arrivalWindowStart: window.start,
      arrivalWindowEnd: window.start + 2 * 3_600_000,
    });
    return ['appointment', a.id];
  }

  private reassign(): ['appointment' | 'assignment', number] | null {
    const rng = this.sample.rng;
    const a = this.sample.pick(
      'appointment',
      (x) => x.deletedOn === null && ['Scheduled', 'Dispatched'].includes(x.status),
    );
    if (!a) return null;
    const current = this.writer.activeAssignments(a.id);
    const tech = this.sample.freeTechnician(
      a,
      current.map((c) => c.technicianId),
    );
    if (current.length && rng.chance(0.7))
      this.writer.unassignTechnicians(a.id, [rng.pick(current).technicianId]);
    if (!tech) return current.length ? ['appointment', a.id] : null;
    const [row] = this.writer.assignTechnicians(
      a.id,
      [tech],
      this.sample.pick('employee', (e) => e.role === 'Dispatch')?.id ?? null,
    );
    return row ? ['assignment', row.id] : null;
  }
}
