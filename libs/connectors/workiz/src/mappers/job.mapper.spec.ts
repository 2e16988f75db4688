import { canonicalId } from '@fieldsync/canonical-model';
import fixture from '../__fixtures__/workiz-records.fixture.json';
import { workizMapper } from '../workiz.mapper';
import { workizJobStatus } from './job.mapper';

type Recorded = { entity: string; externalId: string; raw: unknown };
const CTX = { tenantId: 'tenant-1', connectionId: 'conn-workiz' };
const recordedJob = (fixture as Recorded[]).find((r) => r.entity === 'job');
if (!recordedJob) throw new Error('no recorded job');
const raw = recordedJob.raw as {
  job: Record<string, unknown>;
  TeamMembers: { name: string; id: string | null }[];
};

const mapJob = (job: Record<string, unknown>, team: { name: string; id: string | null }[] = []) =>
  workizMapper.toCanonical(
    {
      kind: 'record',
      entity: 'job',
      externalId: String(job['UUID']),
      raw: { job: { ...raw.job, ...job }, TeamMembers: team },
      deleted: false,
    },
    CTX,
  ) as unknown as Record<string, unknown>;

describe('Workiz jobs', () => {
  it('maps status and sub-status to the canonical steps, keeping both', () => {
    expect(workizJobStatus('Submitted', '', 0)).toBe('scheduled');
    expect(workizJobStatus('Submitted', 'Confirmed', 2)).toBe('dispatched');
    expect(workizJobStatus('Pending', 'Waiting for parts', 1)).toBe('on_hold');
    expect(workizJobStatus('In progress', 'En route', 1)).toBe('en_route');
    expect(workizJobStatus('In progress', 'On site', 1)).toBe('on_site');
    expect(workizJobStatus('In progress', '', 1)).toBe('in_progress');
    expect(workizJobStatus('Done', 'Paid in full', 1)).toBe('completed');
    expect(workizJobStatus('Canceled', 'No show', 0)).toBe('canceled');
    const done = mapJob({
      Status: 'Done',
      SubStatus: 'Paid in full',
      LastStatusUpdate: '2026-07-01 17:00:00',
      Timezone: 'America/Chicago',
    });
    expect(done).toMatchObject({
      status: 'completed',
      vendorStatus: 'Done',
      completedAt: '2026-07-01T22:00:00Z',
      canceledAt: null,
    });
    expect((done['customFields'] as Record<string, unknown>)['subStatus']).toBe('Paid in full');
  });

  it('reads the schedule in the account zone and names technicians by the team members the names resolve to', () => {
    const job = mapJob(
      {
        Status: 'Submitted',
        SubStatus: '',
        CreatedDate: '2026-01-10 08:00:00',
        JobDateTime: '2026-01-12 09:00:00',
        JobEndDateTime: '2026-01-12 11:00:00',
        LastStatusUpdate: '2026-01-10 08:00:00',
        Timezone: 'America/Chicago',
        Team: ['Ana Tech', 'Old Name'],
      },
      [
        { name: 'Ana Tech', id: '6000001' },
        { name: 'Old Name', id: null },
      ],
    );
    expect(job).toMatchObject({
      scheduledStart: '2026-01-12T15:00:00Z',
      scheduledEnd: '2026-01-12T17:00:00Z',
      createdAt: '2026-01-10T14:00:00Z',
      status: 'dispatched',
      technicianIds: [canonicalId(CTX.connectionId, 'technician', '6000001')],
    });
    // A name no team member has now (renamed since) is kept, not guessed.
    expect((job['customFields'] as Record<string, unknown>)['team']).toBe('Ana Tech, Old Name');
  });

  it('refuses a job whose wire shape drifted, naming the field', () => {
    const { JobTotalPrice: _gone, ...renamed } = raw.job;
    expect(() =>
      workizMapper.toCanonical(
        {
          kind: 'record',
          entity: 'job',
          externalId: 'X',
          raw: { job: { ...renamed, JobTotal: 1 }, TeamMembers: [] },
          deleted: false,
        },
        CTX,
      ),
    ).toThrow(/JobTotalPrice/);
  });
});
