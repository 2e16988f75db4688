import type { CommandOf, JobStatus } from '@fieldsync/canonical-model';
import { defineWrite, VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import type { HousecallProJob } from '../housecallpro.schemas';
import { jobStatus } from '../mappers/job.mapper';
import { readJob } from './write-readback.util';
import { idOf } from './write-values.util';

/*
 * job.status.update → the pro web app's job screen (`/app/jobs/{id}`) in the WriteContext's portal page:
 * Housecall Pro's v1 API has no endpoint that moves a job's work status, the app's buttons do. The vendor
 * allows `en_route` ("On my way"), `in_progress` ("Start"), `completed` ("Finish") and `canceled` ("Cancel
 * job", with the reason, which Housecall Pro keeps as a job note); `dispatched` is job.dispatch, and
 * Housecall Pro has no arrival (`on_site`) or hold (`on_hold`) step: those are refused naming
 * `payload.status`. Read back through `GET /jobs/{id}`.
 *
 * Setting a status is idempotent: a job already at the target (or past it, as a started job is past "on
 * my way") is left alone, so a retry after a crash finds it done and there is no `find`. Not carried
 * (refused by name): `appointmentId` (the buttons act on the job), `occurredAt` (the app stamps now),
 * `note`, and a `reason` for anything but a cancellation (only the cancel dialog takes one).
 */

type Payload = CommandOf<'job.status.update'>['payload'];

const ACTION: Readonly<Partial<Record<Payload['status'], string>>> = {
  en_route: 'on_my_way',
  in_progress: 'start',
  completed: 'finish',
  canceled: 'cancel',
};

/** How far along a job is, to tell whether it is already at (or past) a target. */
const RANK: Readonly<Partial<Record<JobStatus, number>>> = {
  unscheduled: 0,
  scheduled: 0,
  en_route: 1,
  in_progress: 2,
  completed: 3,
};

function reached(job: HousecallProJob, target: Payload['status']): boolean {
  const now = jobStatus(job);
  if (target === 'canceled') return now === 'canceled';
  if (now === 'canceled') return false;
  return (RANK[now] ?? 0) >= (RANK[target as JobStatus] ?? Number.POSITIVE_INFINITY);
}

async function pressButton(
  ctx: WriteContext,
  jobId: string,
  action: string,
  reason: string | undefined,
): Promise<string | null> {
  return ctx.portal(async (page) => {
    await page.goto(`${ctx.session.portalUrl}/app/jobs/${encodeURIComponent(jobId)}`);
    if ((await page.locator(`#${action}`).count()) === 0) {
      throw new VendorWriteError('vendor_rejected', `the job screen has no "${action}" button`, {
        field: 'payload.status',
      });
    }
    if (reason !== undefined) await page.fill('#reason', reason);
    await Promise.all([page.waitForLoadState('load'), page.click(`#${action}`)]);
    await page.locator('#status-updated, [role=alert]').first().waitFor({ timeout: 15_000 });
    return (await page.locator('[role=alert]').count()) > 0
      ? ((await page.locator('[role=alert]').first().textContent()) ?? '').trim()
      : null;
  });
}

export const jobStatusUpdateWrite = defineWrite('job.status.update', {
  carries: ['jobId', 'status', 'reason'],

  async execute(ctx, command) {
    const p = command.payload;
    const action = ACTION[p.status];
    if (action === undefined) {
      throw new VendorWriteError(
        'unsupported',
        p.status === 'dispatched'
          ? 'a Housecall Pro job is dispatched with job.dispatch (its employees), not a status'
          : `Housecall Pro has no "${p.status}" step (on my way, start, finish and cancel are its moves)`,
        { field: 'payload.status' },
      );
    }
    if (p.reason !== undefined && p.status !== 'canceled') {
      throw new VendorWriteError('unsupported', "only Housecall Pro's cancel dialog takes a reason", {
        field: 'payload.reason',
      });
    }
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    let read = await readJob(ctx, job.externalId);
    if (!reached(read.job, p.status)) {
      const alert = await pressButton(
        ctx,
        job.externalId,
        action,
        p.status === 'canceled' ? p.reason : undefined,
      );
      if (alert !== null) {
        throw new VendorWriteError('vendor_rejected', `Housecall Pro refused the status change: ${alert}`, {
          field: 'payload.status',
        });
      }
      read = await readJob(ctx, job.externalId);
      if (!reached(read.job, p.status)) {
        throw new VendorWriteError(
          'vendor_rejected',
          `Housecall Pro shows the job ${read.job.work_status}, not ${p.status}`,
          {
            field: 'payload.status',
          },
        );
      }
    }
    return {
      records: read.records,
      result: {
        jobId: idOf(ctx, 'job', read.job.id),
        status: jobStatus(read.job),
        vendorStatus: read.job.work_status,
      },
    };
  },
});
