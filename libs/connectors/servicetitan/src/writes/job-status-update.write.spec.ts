import { canonicalId, type CommandOf } from '@fieldsync/canonical-model';
import type { WriteContext } from '@fieldsync/connector-kit';
import { jobStatusUpdateWrite } from './job-status-update.write';

/*
 * job.status.update refuses, before any call, what the status's ServiceTitan call has no place for.
 * The context resolves nothing and the network is not touched: a refusal comes first.
 */

const ctx = {
  resolve: jest.fn(() => Promise.reject(new Error('resolved: the refusal came too late'))),
} as unknown as WriteContext;

function command(payload: CommandOf<'job.status.update'>['payload']): CommandOf<'job.status.update'> {
  return { type: 'job.status.update', payload } as CommandOf<'job.status.update'>;
}

const jobId = canonicalId('conn-st-1', 'job', '110000001');

beforeEach(() => jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this spec')));
afterEach(() => jest.restoreAllMocks());

describe('job.status.update refusals', () => {
  it.each([
    [{ jobId, status: 'completed', note: 'All done' }, 'payload.note'],
    [{ jobId, status: 'completed', reason: 'Finished early' }, 'payload.reason'],
    [
      { jobId, status: 'on_hold', reason: 'Waiting on parts', occurredAt: '2026-03-05T15:00:00Z' },
      'payload.occurredAt',
    ],
    [
      { jobId, status: 'canceled', reason: 'Duplicate job', occurredAt: '2026-03-05T15:00:00Z' },
      'payload.occurredAt',
    ],
    [{ jobId, status: 'en_route' }, 'payload.status'],
  ] as const)('%j is refused naming %s', async (payload, field) => {
    await expect(jobStatusUpdateWrite.execute(ctx, command(payload))).rejects.toMatchObject({
      code: 'unsupported',
      details: { field },
    });
    expect(ctx.resolve).not.toHaveBeenCalled();
    expect(globalThis.fetch).not.toHaveBeenCalled();
  });
});
