import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import seedJob from '../__fixtures__/seed-workiz-job.json';
import { JOB_STATUSES, jobSchema } from './job.schema';

describe('jobSchema', () => {
  const job = validEntities().job;

  it('accepts a job and the Workiz seed job transcribed to canonical form', () => {
    expectValid(jobSchema, job);
    const parsed = jobSchema.parse(seedJob);
    expect(parsed.total).toBe(1403);
    expect(parsed.lineItems.map((l) => l.total)).toEqual([999, 300]);
  });

  it('has exactly the canonical statuses of DESIGN.md', () => {
    expect(JOB_STATUSES).toEqual([
      'unscheduled',
      'scheduled',
      'dispatched',
      'en_route',
      'on_site',
      'in_progress',
      'on_hold',
      'completed',
      'canceled',
    ]);
    expectIssueAt(jobSchema, { ...job, status: 'Scheduled' }, ['status']);
  });

  it('rejects scheduledEnd before scheduledStart', () => {
    expectIssueAt(
      jobSchema,
      { ...job, scheduledEnd: '2026-02-01T14:59:59Z' },
      ['scheduledEnd'],
      /before scheduledStart/,
    );
  });

  it('rejects a window given with a UTC offset instead of Z', () => {
    expectIssueAt(
      jobSchema,
      { ...job, scheduledStart: '2026-02-01T10:00:00-05:00' },
      ['scheduledStart'],
      /ending in Z/,
    );
  });

  it('requires completedAt once completed', () => {
    expectIssueAt(jobSchema, { ...job, status: 'completed' }, ['completedAt']);
  });

  it('names the line item field that is wrong', () => {
    const lineItems = [{ ...job.lineItems[0], unitPrice: '100.00' }];
    expectIssueAt(jobSchema, { ...job, lineItems }, ['lineItems', 0, 'unitPrice']);
  });
});
