import type { AppointmentPlan, BookedSlot, JobPlan, LocationPlan } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import { JOB_NUMBER_BASE } from './world-job.writer';
import { byCreated } from './world-plan-order.util';
import type { WorldRng } from './world-rng.util';
import type { GeneratedSettings } from './world-settings.generator';
import type { GeneratedStaff } from './world-staff.generator';
import type { TechnicianCalendar } from './world-technician.calendar';
import { DAY, HOUR, MINUTE } from './world-time.constants';
import * as W from './world-words.constants';
import type { Customer, Employee, Job, Location } from './world.schema';
import type { WorldLoader } from './world.loader';
import type { PlannedCustomer } from './world-customer.generator';

/**
 * Jobs and the schedule: each customer's jobs over its life, booked on the technicians' calendar, with
 * their history (mostly done, some canceled, a few on hold, follow-up visits; today's work in progress,
 * the month ahead scheduled or dispatched), then inserted with their appointments and assignments.
 */
export class JobGenerator {
  private readonly jobs: JobPlan[] = [];

  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
    private readonly settings: GeneratedSettings,
    private readonly staff: GeneratedStaff,
    private readonly calendar: TechnicianCalendar,
  ) {}

  /** Every planned job, in planning order (until `insert` sorts them by createdOn). */
  get planned(): readonly JobPlan[] {
    return this.jobs;
  }

  /** Plans the customer's jobs: a first one soon after it came (unless imported), more over its life. */
  planFor({ customer, sites, commercial, imported }: PlannedCustomer): void {
    const { rng, timeline } = this;
    const createdOn = customer.createdOn;
    const firstDay = Math.max(timeline.dayOf(createdOn) + (imported ? 0 : rng.int(1, 3)), 0);
    const span = timeline.days - 3 - firstDay;
    if (span <= 0) return;
    const life = span / timeline.days;
    const jobCount = (imported ? 0 : 1) + rng.int(0, Math.round(2.6 * life * (commercial ? 2 : 1)));
    for (let j = 0; j < jobCount; j++) {
      const day = j === 0 && !imported ? firstDay : firstDay + rng.int(0, span - 1);
      const plan = this.job(
        customer,
        rng.pick(sites),
        day,
        Math.max(createdOn, timeline.historyStart - 20 * DAY),
      );
      if (plan) this.jobs.push(plan);
    }
  }

  /** Inserts jobs, then their appointments, then the technicians' assignments, each in createdOn order. */
  insert(): void {
    const base = this.timeline.base.bind(this.timeline);
    const { businessUnitIds, jobTypeIds, campaignIds } = this.settings;
    let jobNumber = 0;
    for (const j of byCreated(this.jobs)) {
      const [, unit] = W.JOB_TYPES[j.jobType] as (typeof W.JOB_TYPES)[number];
      j.rec = this.loader.add('job', {
        ...base(j.createdOn, j.modifiedOn),
        jobNumber: String(JOB_NUMBER_BASE + jobNumber++),
        customerId: (j.customer.rec as Customer).id,
        locationId: (j.location.rec as Location).id,
        businessUnitId: businessUnitIds[unit] as number,
        jobTypeId: jobTypeIds[j.jobType] as number,
        campaignId: campaignIds[j.campaign] as number,
        priority: j.priority,
        status: j.status,
        summary: j.summary,
        completedOn: j.completedOn,
        canceledOn: j.canceledOn,
        soldById: null,
        externalData: [],
      });
    }
    const appointments = byCreated(this.jobs.flatMap((j) => j.appointments));
    for (const a of appointments) {
      const job = a.job.rec as Job;
      a.rec = this.loader.add('appointment', {
        ...base(a.createdOn, Math.max(a.modifiedOn, a.createdOn)),
        jobId: job.id,
        customerId: job.customerId,
        appointmentNumber: `${job.jobNumber}-${a.job.appointments.indexOf(a) + 1}`,
        start: a.start,
        end: a.end,
        arrivalWindowStart: a.windowStart,
        arrivalWindowEnd: a.windowEnd,
        status: a.status,
        specialInstructions: a.job.summary.includes('membership')
          ? 'Member: check filter size on file'
          : null,
      });
    }
    const dispatcher = this.staff.office.find((e) => e.role === 'Dispatch') ?? null;
    for (const a of appointments) {
      for (const tech of a.technicians) {
        const status = a.status === 'Hold' ? 'Scheduled' : a.status === 'Canceled' ? 'Scheduled' : a.status;
        this.loader.add('assignment', {
          ...base(a.createdOn, Math.max(a.modifiedOn, a.createdOn)),
          appointmentId: (a.rec as { id: number }).id,
          jobId: (a.job.rec as Job).id,
          technicianId: (this.staff.techs[tech] as Employee).id,
          assignedOn: a.createdOn,
          assignedById: dispatcher?.id ?? null,
          status,
        });
      }
    }
  }

  /** Plans one job at a site on `day` with its appointment(s); null when no technician slot is free. */
  private job(
    customer: PlannedCustomer['customer'],
    location: LocationPlan,
    day: number,
    notBefore: number,
  ): JobPlan | null {
    const { rng, calendar } = this;
    const now = this.timeline.now;
    if (customer.doNotService) return null;
    const jobType = rng.int(0, this.settings.jobTypeIds.length - 1);
    const [, unit, slots, urgent] = W.JOB_TYPES[jobType] as (typeof W.JOB_TYPES)[number];
    const first = calendar.book(rng, unit, slots, day);
    if (!first) return null;
    const lead = rng.chance(urgent) ? rng.int(1, 20) * HOUR : rng.int(1, 12) * DAY + rng.int(0, 8 * HOUR);
    const createdOn = Math.min(
      Math.max(notBefore + rng.int(1, 30) * MINUTE, first.windowStart - lead),
      now - rng.int(2, 90) * MINUTE,
    );
    const plan: JobPlan = {
      rec: null,
      customer,
      location,
      createdOn,
      jobType,
      status: 'Scheduled',
      modifiedOn: createdOn,
      completedOn: null,
      canceledOn: null,
      appointments: [],
      summary: rng.pick(W.JOB_SUMMARIES),
      priority: rng.chance(urgent)
        ? 'Urgent'
        : rng.pick(['Normal', 'Normal', 'Normal', 'High', 'Low'] as const),
      campaign: rng.int(0, this.settings.campaignIds.length - 2),
    };
    const firstAppointment = this.appointment(plan, first, createdOn);
    plan.appointments.push(firstAppointment);
    const end = first.end;
    const ago = now - end;
    if (ago > 2 * HOUR) {
      // the past: mostly done; some canceled before the visit; a few waiting on parts
      const roll = rng.next();
      if (roll < 0.06) {
        const at = Math.min(first.windowStart - rng.int(1, 48) * HOUR, now);
        this.close(plan, 'Canceled', Math.max(at, createdOn + MINUTE));
      } else if (roll < 0.095) {
        plan.status = 'Hold';
        firstAppointment.status = 'Hold';
        plan.modifiedOn = firstAppointment.modifiedOn = Math.min(end, now);
      } else {
        let last = first;
        if (rng.chance(0.08)) {
          const follow = calendar.book(rng, unit, 1, this.timeline.dayOf(end) + rng.int(1, 10));
          if (follow && follow.end < now - HOUR) {
            plan.appointments.push(this.appointment(plan, follow, Math.min(end + 30 * MINUTE, now)));
            last = follow;
          } else if (follow) {
            calendar.release(follow);
          }
        }
        this.close(plan, 'Completed', Math.min(last.end + rng.int(2, 40) * MINUTE, now));
      }
    } else if (first.start <= now) {
      plan.status = 'InProgress';
      firstAppointment.status = 'Working';
      plan.modifiedOn = firstAppointment.modifiedOn = first.start + rng.int(0, 10) * MINUTE;
    } else {
      const roll = rng.next();
      if (roll < 0.03) {
        this.close(plan, 'Canceled', this.timeline.later(rng, createdOn));
      } else if (roll < 0.06) {
        plan.status = firstAppointment.status = 'Hold';
        plan.modifiedOn = firstAppointment.modifiedOn = this.timeline.later(rng, createdOn);
      } else if (first.start - now < DAY && first.technicians.length) {
        firstAppointment.status = 'Dispatched';
        firstAppointment.modifiedOn = now - rng.int(5, 600) * MINUTE;
        if (firstAppointment.modifiedOn < createdOn) firstAppointment.modifiedOn = createdOn;
      }
    }
    // a canceled appointment frees its technicians
    for (const a of plan.appointments) if (a.status === 'Canceled') calendar.release(a);
    return plan;
  }

  private close(plan: JobPlan, status: 'Completed' | 'Canceled', at: number): void {
    const now = this.timeline.now;
    plan.status = status;
    plan.modifiedOn = at;
    if (status === 'Completed') plan.completedOn = at;
    else plan.canceledOn = at;
    for (const a of plan.appointments) {
      a.status = status === 'Completed' ? 'Done' : 'Canceled';
      a.modifiedOn =
        status === 'Completed' ? Math.min(Math.max(a.end, a.createdOn), now) : Math.max(at, a.createdOn);
    }
  }

  private appointment(job: JobPlan, slot: BookedSlot, createdOn: number): AppointmentPlan {
    return { rec: null, job, createdOn, ...slot, status: 'Scheduled', modifiedOn: createdOn };
  }
}
