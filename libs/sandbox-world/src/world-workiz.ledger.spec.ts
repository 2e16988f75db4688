import { ActivityEngine } from './world-activity.engine';
import { DAY, HOUR } from './world-time.constants';
import { generateWorld, type World } from './world.generator';
import { workizCallSchema, workizLeadSchema, workizSmsThreadSchema } from './world-workiz.schema';

const text = (world: World): string =>
  JSON.stringify({
    leads: world.workiz.leads(),
    calls: world.workiz.calls(),
    sms: world.workiz.smsThreads(),
    areas: world.workiz.serviceAreas(),
  });

describe('WorkizLedger (Workiz-only records beside the world)', () => {
  it('is a pure function of seed and size, and differs between seeds', () => {
    const a = generateWorld({ seed: 5, size: 1_200 });
    const b = generateWorld({ seed: 5, size: 1_200 });
    const c = generateWorld({ seed: 6, size: 1_200 });
    expect(text(a)).toBe(text(b));
    expect(text(a)).not.toBe(text(c));
  });

  it('generates valid leads, calls with recordings metadata, SMS threads and service areas', () => {
    const world = generateWorld({ seed: 2, size: 3_000 });
    const { workiz } = world;
    const now = world.clock.now();
    const leads = workiz.leads();
    const calls = workiz.calls();
    const threads = workiz.smsThreads();
    for (const lead of leads) workizLeadSchema.parse(lead);
    for (const call of calls) workizCallSchema.parse(call);
    for (const thread of threads) workizSmsThreadSchema.parse(thread);
    expect(leads.length).toBeGreaterThan(10);
    expect(calls.length).toBeGreaterThan(50);
    expect(threads.length).toBeGreaterThan(10);
    // Some records older than Workiz's default 14-day window, and leads in every stage.
    expect(leads.some((l) => now - l.createdOn > 14 * DAY)).toBe(true);
    expect(new Set(leads.map((l) => l.status))).toEqual(
      new Set(['New', 'Contacted', 'Quoted', 'Converted', 'Lost']),
    );
    // A missed call has no recording; an answered one has its recording's metadata.
    expect(calls.filter((c) => c.outcome === 'missed').every((c) => c.recording === null)).toBe(true);
    expect(calls.filter((c) => c.outcome === 'answered').every((c) => c.recording !== null)).toBe(true);
    // Leads made from a missed call point at it.
    const byId = new Map(calls.map((c) => [c.id, c]));
    const fromCalls = leads.filter((l) => l.callId !== null);
    expect(fromCalls.length).toBeGreaterThan(0);
    for (const lead of fromCalls) expect(byId.get(lead.callId ?? 0)?.outcome).not.toBe('answered');
    // Every customer's zip lies in a service area.
    const zips = new Set(workiz.serviceAreas().flatMap((a) => a.zipCodes));
    for (const customer of world.store.all('customer')) expect(zips.has(customer.address.zip)).toBe(true);
  });

  it('addresses team members by a unique full name', () => {
    const world = generateWorld({ seed: 1, size: 30_000 });
    const names = [...world.workiz.teamNames().values()];
    expect(new Set(names).size).toBe(names.length);
    const tech = [...world.store.all('employee')].find((e) => e.role === 'Technician');
    if (!tech) throw new Error('no technician');
    const name = world.workiz.teamName(tech);
    expect(world.workiz.employeeByName(name.toUpperCase())?.id).toBe(tech.id);
    expect(world.workiz.employeeByName('Nobody Here')).toBeUndefined();
  });

  it('renames a team member while the jobs already assigned keep the old name', () => {
    const world = generateWorld({ seed: 2, size: 1_200 });
    const assignment = [...world.store.all('assignment')].find((a) => a.deletedOn === null);
    if (!assignment) throw new Error('no assignment');
    const tech = world.store.require('employee', assignment.technicianId);
    const old = world.workiz.teamName(tech);
    const renamed = world.workiz.renameTeamMember(tech.id, 'Zed Newname');
    expect(world.workiz.teamName(renamed)).toBe('Zed Newname');
    expect(world.workiz.assignmentName(assignment)).toBe(old);
    expect(world.workiz.employeeByName('Zed Newname')?.id).toBe(tech.id);
    expect(world.workiz.employeeByName(old)).toBeUndefined();
    expect(() => world.workiz.renameTeamMember(tech.id, '  ')).toThrow('a team member needs a name');
  });

  it('keeps a sub-status per job status, and an office-set one until the status changes', () => {
    const world = generateWorld({ seed: 3, size: 1_200 });
    const job = [...world.store.all('job')].find((j) => j.status === 'Scheduled');
    if (!job) throw new Error('no scheduled job');
    expect(world.workiz.jobStatus(job)).toBe('Submitted');
    expect(world.workiz.subStatusSetAt(job)).toBeNull();
    world.clock.advance(HOUR);
    world.workiz.setSubStatus(job, 'Waiting for customer');
    expect(world.workiz.subStatus(job)).toBe('Waiting for customer');
    expect(world.workiz.subStatusSetAt(job)).toBe(world.clock.now());
    const done = { ...job, status: 'Completed' as const };
    expect(world.workiz.jobStatus(done)).toBe('Done');
    expect(['', 'Review requested', 'Paid in full']).toContain(world.workiz.subStatus(done));
    expect(world.workiz.subStatusSetAt(done)).toBeNull();
  });

  it('lives on the world clock: the same records however often it is read on the way', () => {
    const often = generateWorld({ seed: 4, size: 1_200 });
    const once = generateWorld({ seed: 4, size: 1_200 });
    const before = often.workiz.calls().length;
    for (let h = 0; h < 48; h++) {
      often.clock.advance(HOUR);
      often.workiz.leads();
    }
    once.clock.advance(48 * HOUR);
    expect(text(often)).toBe(text(once));
    expect(often.workiz.calls().length).toBeGreaterThan(before);
  });

  it('does not move what the world store holds (its activity is its own)', () => {
    const plain = generateWorld({ seed: 9, size: 1_200 });
    const read = generateWorld({ seed: 9, size: 1_200 });
    const a = new ActivityEngine(plain.writer, { seed: 'x', ratePerMinute: 4 });
    const b = new ActivityEngine(read.writer, { seed: 'x', ratePerMinute: 4 });
    a.runFor(6 * HOUR);
    read.workiz.calls();
    b.runFor(6 * HOUR);
    read.workiz.leads();
    expect(JSON.stringify([...read.store.all('job')])).toBe(JSON.stringify([...plain.store.all('job')]));
    expect(read.store.rowVersion).toBe(plain.store.rowVersion);
  });

  it('creates and updates leads at the world clock, with the caller reference kept', () => {
    const world = generateWorld({ seed: 1, size: 300 });
    const customer = [...world.store.all('customer')][0];
    if (!customer) throw new Error('no customer');
    const address = { ...customer.address };
    const lead = world.workiz.createLead({
      leadType: 'Service Call',
      source: 'Website form',
      firstName: 'Wanda',
      lastName: 'Web',
      phone: '5125550199',
      email: 'wanda@example.com',
      address,
      referenceId: 'fs_abc',
    });
    expect(lead).toMatchObject({ status: 'New', referenceId: 'fs_abc', createdOn: world.clock.now() });
    world.clock.advance(HOUR);
    const lost = world.workiz.updateLead(lead.id, { status: 'Lost' });
    expect([lost.status, lost.modifiedOn - lead.modifiedOn]).toEqual(['Lost', HOUR]);
    expect(world.workiz.lead(lead.id)?.status).toBe('Lost');
  });
});
