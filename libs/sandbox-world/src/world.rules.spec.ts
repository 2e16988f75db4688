import { checkWorldInvariants } from './world-invariants.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { generateWorld, type World } from './world.generator';
import { assertTransition, canTransition } from './world.rules';

const HOUR = 3_600_000;

function expectRule(fn: () => unknown, code: WorldRuleCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(WorldRuleError);
  expect((caught as WorldRuleError).code).toBe(code);
}

/** A customer with a location, two technicians and a job with one appointment at 10:00–12:00 tomorrow. */
function setUp(): {
  world: World;
  techA: number;
  techB: number;
  jobId: number;
  appointmentId: number;
  start: number;
} {
  const world = generateWorld({ seed: 3, size: 600 });
  const { store, writer } = world;
  const techs = store.snapshot('employee').filter((e) => e.role === 'Technician');
  const techA = (techs[0] as { id: number }).id;
  const techB = (techs[1] as { id: number }).id;
  const location = store.snapshot('location').find((l) => {
    const c = store.get('customer', l.customerId);
    return c && c.active && c.mergedToId === null && !c.doNotService && l.active;
  });
  if (!location) throw new Error('no location');
  const start = Math.floor(world.clock.now() / 86_400_000) * 86_400_000 + 60 * 86_400_000 + 16 * HOUR;
  const [jobType, campaign] = [store.snapshot('jobType')[0], store.snapshot('campaign')[0]];
  const { job, appointments } = writer.createJob({
    customerId: location.customerId,
    locationId: location.id,
    businessUnitId: jobType?.businessUnitId as number,
    jobTypeId: jobType?.id as number,
    campaignId: campaign?.id as number,
    priority: 'Normal',
    appointments: [{ start, end: start + 2 * HOUR, technicianIds: [techA] }],
  });
  return { world, techA, techB, jobId: job.id, appointmentId: (appointments[0] as { id: number }).id, start };
}

describe('vendor-side rules', () => {
  it('rejects double-booking a technician and writes nothing', () => {
    const { world, techA, jobId, start } = setUp();
    const before = world.store.rowVersion;
    expectRule(
      () =>
        world.writer.addAppointment(jobId, {
          start: start + HOUR,
          end: start + 3 * HOUR,
          technicianIds: [techA],
        }),
      WorldRuleCode.TechnicianDoubleBooked,
    );
    expectRule(
      () => world.writer.rules.assertTechnicianFree(techA, { start: start - HOUR, end: start + 1 }),
      WorldRuleCode.TechnicianDoubleBooked,
    );
    expect(world.store.rowVersion).toBe(before);
    // back-to-back is fine
    expect(() =>
      world.writer.rules.assertTechnicianFree(techA, { start: start + 2 * HOUR, end: start + 3 * HOUR }),
    ).not.toThrow();
  });

  it('rejects assigning or rescheduling into a conflict', () => {
    const { world, techA, techB, jobId, appointmentId, start } = setUp();
    // techB overlaps techA's appointment in time: assigning either to the other's appointment clashes
    const other = world.writer.addAppointment(jobId, {
      start: start + HOUR,
      end: start + 3 * HOUR,
      technicianIds: [techB],
    });
    const before = world.store.rowVersion;
    expectRule(() => world.writer.assignTechnicians(other.id, [techA]), WorldRuleCode.TechnicianDoubleBooked);
    expectRule(
      () => world.writer.assignTechnicians(appointmentId, [techB]),
      WorldRuleCode.TechnicianDoubleBooked,
    );
    const later = world.writer.addAppointment(jobId, {
      start: start + 4 * HOUR,
      end: start + 5 * HOUR,
      technicianIds: [techA],
    });
    expectRule(
      () => world.writer.rescheduleAppointment(later.id, { start: start + HOUR, end: start + 2 * HOUR }),
      WorldRuleCode.TechnicianDoubleBooked,
    );
    expect(world.store.get('appointment', later.id)?.start).toBe(start + 4 * HOUR);
    expect(world.store.rowVersion).toBeGreaterThan(before);
    expectRule(
      () => world.writer.assignTechnicians(appointmentId, [techA]),
      WorldRuleCode.DuplicateAssignment,
    );
    const office = world.store.snapshot('employee').find((e) => e.role === 'CSR');
    expectRule(
      () => world.writer.assignTechnicians(other.id, [office?.id as number]),
      WorldRuleCode.NotATechnician,
    );
    expectRule(
      () => world.writer.rescheduleAppointment(later.id, { start: start + 5 * HOUR, end: start + 5 * HOUR }),
      WorldRuleCode.InvalidWindow,
    );
  });

  it('never reopens a closed job or appointment, and closed jobs get no new appointments', () => {
    const { world, jobId, appointmentId, start } = setUp();
    world.writer.setJobStatus(jobId, 'Completed');
    expect(world.store.get('appointment', appointmentId)?.status).toBe('Done');
    expectRule(() => world.writer.setJobStatus(jobId, 'Scheduled'), WorldRuleCode.IllegalTransition);
    expectRule(() => world.writer.setJobStatus(jobId, 'InProgress'), WorldRuleCode.IllegalTransition);
    expectRule(
      () => world.writer.setAppointmentStatus(appointmentId, 'Scheduled'),
      WorldRuleCode.IllegalTransition,
    );
    expectRule(
      () => world.writer.addAppointment(jobId, { start: start + 30 * HOUR, end: start + 31 * HOUR }),
      WorldRuleCode.JobClosed,
    );
    expectRule(
      () =>
        world.writer.rescheduleAppointment(appointmentId, {
          start: start + 30 * HOUR,
          end: start + 31 * HOUR,
        }),
      WorldRuleCode.AppointmentClosed,
    );
    expect(canTransition('job', 'Canceled', 'Scheduled')).toBe(false);
    expect(canTransition('job', 'Hold', 'Scheduled')).toBe(true);
    expect(() => assertTransition('estimate', 'Sold', 'Open')).toThrow(WorldRuleError);
  });

  it('checks required fields and money', () => {
    const { world, jobId } = setUp();
    expectRule(
      () =>
        world.writer.createCustomer({
          name: '',
          type: 'Residential',
          address: world.store.snapshot('customer')[0]?.address as never,
          locations: [],
        }),
      WorldRuleCode.RequiredField,
    );
    expectRule(
      () => world.writer.createJob({ customerId: 0, appointments: [] } as never),
      WorldRuleCode.RequiredField,
    );
    const item = world.store.snapshot('pricebookItem').find((p) => p.active && p.price > 0);
    const invoice = world.writer.createInvoice({ jobId, items: [{ pricebookItemId: item?.id }] });
    const cash = world.store.snapshot('paymentType').find((t) => t.method === 'cash');
    expectRule(
      () =>
        world.writer.recordPayment({
          customerId: invoice.customerId,
          paymentTypeId: cash?.id as number,
          splits: [{ invoiceId: invoice.id, amount: invoice.balance + 1 }],
        }),
      WorldRuleCode.AmountExceedsBalance,
    );
    const card = world.store.snapshot('paymentType').find((t) => t.method === 'card');
    expectRule(
      () =>
        world.writer.recordPayment({
          customerId: invoice.customerId,
          paymentTypeId: card?.id as number,
          splits: [{ invoiceId: invoice.id, amount: 1 }],
        }),
      WorldRuleCode.RequiredField,
    );
  });
});

describe('overlap allowed (Jobber lets a calendar hold overlapping visits)', () => {
  it('assigns over another booking only when allowed, stamps the new row, and keeps the world consistent', () => {
    const { world, techA, techB, jobId, appointmentId, start } = setUp();
    const other = world.writer.addAppointment(jobId, {
      start: start + HOUR,
      end: start + 3 * HOUR,
      technicianIds: [techB],
    });
    // Without the option the old refusal stands and nothing is written.
    const before = world.store.rowVersion;
    expectRule(() => world.writer.assignTechnicians(other.id, [techA]), WorldRuleCode.TechnicianDoubleBooked);
    expect(world.store.rowVersion).toBe(before);

    const [row] = world.writer.assignTechnicians(other.id, [techA], null, { allowOverlap: true });
    expect(row).toMatchObject({ appointmentId: other.id, technicianId: techA, overlapAllowed: true });
    expect(world.writer.activeAssignments(other.id).map((a) => a.technicianId)).toEqual([techB, techA]);
    // The first booking is untouched: techA now holds both appointments in the overlapping hour.
    const first = world.writer.activeAssignments(appointmentId);
    expect(first.map((a) => [a.technicianId, a.overlapAllowed])).toEqual([[techA, undefined]]);
    expect(checkWorldInvariants(world.store)).toEqual([]);
  });

  it('stamps nothing when an allowed booking overlaps nothing', () => {
    const { world, techB, appointmentId } = setUp();
    const [row] = world.writer.assignTechnicians(appointmentId, [techB], null, { allowOverlap: true });
    expect(row?.technicianId).toBe(techB);
    expect(row && 'overlapAllowed' in row).toBe(false);
  });

  it('reschedules into an overlap only when allowed and stamps the moved booking', () => {
    const { world, techA, jobId, appointmentId, start } = setUp();
    const later = world.writer.addAppointment(jobId, {
      start: start + 4 * HOUR,
      end: start + 5 * HOUR,
      technicianIds: [techA],
    });
    const into = { start: start + HOUR, end: start + 2 * HOUR };
    expectRule(
      () => world.writer.rescheduleAppointment(later.id, into),
      WorldRuleCode.TechnicianDoubleBooked,
    );
    expect(world.store.get('appointment', later.id)?.start).toBe(start + 4 * HOUR);

    const moved = world.writer.rescheduleAppointment(later.id, into, { allowOverlap: true });
    expect(moved).toMatchObject({ start: into.start, end: into.end });
    expect(world.writer.activeAssignments(later.id)).toEqual([
      expect.objectContaining({ technicianId: techA, overlapAllowed: true }),
    ]);
    expect(world.writer.activeAssignments(appointmentId)[0]?.overlapAllowed).toBeUndefined();
    expect(checkWorldInvariants(world.store)).toEqual([]);
  });

  it('creates a job whose appointment overlaps the technician only when the appointment allows it', () => {
    const { world, techA, start } = setUp();
    const job = world.store.snapshot('job').find((j) => j.active && j.status === 'Scheduled');
    if (!job) throw new Error('no scheduled job');
    const input = {
      customerId: job.customerId,
      locationId: job.locationId,
      businessUnitId: job.businessUnitId,
      jobTypeId: job.jobTypeId,
      campaignId: job.campaignId,
      priority: 'Normal' as const,
    };
    const window = { start: start + HOUR, end: start + 2 * HOUR, technicianIds: [techA] };
    const jobs = world.store.count('job');
    expectRule(
      () => world.writer.createJob({ ...input, appointments: [window] }),
      WorldRuleCode.TechnicianDoubleBooked,
    );
    expect(world.store.count('job')).toBe(jobs);

    const { appointments } = world.writer.createJob({
      ...input,
      appointments: [{ ...window, allowOverlap: true }],
    });
    const created = appointments[0] as { id: number };
    expect(world.writer.activeAssignments(created.id)).toEqual([
      expect.objectContaining({ technicianId: techA, overlapAllowed: true }),
    ]);
    expect(checkWorldInvariants(world.store)).toEqual([]);
  });

  it('the invariants still catch an overlap nobody allowed, even behind an allowed one', () => {
    const { world, techA, jobId, appointmentId, start } = setUp();
    // techA: 16–18 (setUp, plain), 16:30–17 (allowed), then 17:30–19 written past the rules, unmarked.
    const inside = world.writer.addAppointment(jobId, {
      start: start + HOUR / 2,
      end: start + HOUR,
      technicianIds: [techA],
      allowOverlap: true,
    });
    expect(checkWorldInvariants(world.store)).toEqual([]);
    const sneaky = world.writer.addAppointment(jobId, { start: start + 1.5 * HOUR, end: start + 3 * HOUR });
    world.store.create('assignment', {
      appointmentId: sneaky.id,
      jobId,
      technicianId: techA,
      assignedOn: world.clock.now(),
      assignedById: null,
      status: 'Scheduled',
    });
    expect(checkWorldInvariants(world.store)).toEqual([
      `technician ${techA}: double-booked on appointments ${appointmentId} and ${sneaky.id}`,
    ]);
    expect(inside.id).not.toBe(sneaky.id);
  });
});
