import { HousecallProCallError, type CallContext, type HousecallProClient } from '../housecallpro.client';
import {
  housecallproInvoiceRecordSchema,
  housecallproPaymentRecordSchema,
  type HousecallProInvoiceRecord,
} from '../housecallpro.schemas';
import { NORMAL_MS, streamSpec } from './stream.reader';

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/** How long a job read for an invoice page is reused (a page read again after a 429 or a 5xx). */
const JOB_REUSE_MS = 60_000;
/** Jobs read for invoice pages, by account, job and invoice version: a retried page reads only the jobs it lacks. */
const recentJobs = new Map<string, { job: Row | null; at: number }>();

/**
 * Each invoice with its job's customer and service address: Housecall Pro's invoice names only its job,
 * so each job is read (`GET /jobs/{job_id}`) once per page. A page of a hundred invoices takes dozens of
 * calls; when one of them fails (429, 5xx) the page is read again, and the jobs read in the last minute
 * are reused, so the retry makes progress instead of starting over. An invoice whose job is gone keeps no
 * customer and is reported as drift.
 */
async function withJobs(
  client: HousecallProClient,
  ctx: CallContext,
  rows: readonly unknown[],
): Promise<unknown[]> {
  const jobs = new Map<string, Row | null>();
  const account = `${ctx.session.portalUrl}|${ctx.session.user.id}`;
  const now = Date.now();
  for (const [key, entry] of recentJobs) if (now - entry.at > JOB_REUSE_MS) recentJobs.delete(key);
  for (const row of rows) {
    const jobId = isRow(row) ? row['job_id'] : undefined;
    if (typeof jobId !== 'string' || jobs.has(jobId)) continue;
    // Reused only for the same version of the invoice: a change that moves the invoice to another
    // customer (a merge) moves its updated_at too, and the job is read again.
    const key = `${account}|${jobId}|${String(isRow(row) ? row['updated_at'] : '')}`;
    const recent = recentJobs.get(key);
    if (recent) {
      jobs.set(jobId, recent.job);
      continue;
    }
    let job: Row | null;
    try {
      const body = await client.get(ctx, `/jobs/${encodeURIComponent(jobId)}`);
      job = isRow(body) ? body : null;
    } catch (error) {
      if (error instanceof HousecallProCallError && error.status === 404) job = null;
      else throw error;
    }
    jobs.set(jobId, job);
    recentJobs.set(key, { job, at: Date.now() });
  }
  return rows.map((row) => {
    if (!isRow(row)) return row;
    const job = typeof row['job_id'] === 'string' ? jobs.get(row['job_id']) : null;
    const customer = job && isRow(job['customer']) ? job['customer']['id'] : undefined;
    const address =
      job && isRow(job['address']) && job['address']['type'] === 'service' ? job['address']['id'] : null;
    return { id: row['id'], invoice: row, customer_id: customer, address_id: address };
  });
}

/** Invoices, `updated_at desc` to the watermark; each one's payments are yielded after it. */
export const invoicesStream = streamSpec({
  stream: 'invoices',
  list: { path: '/invoices', key: 'invoices', mode: 'watermark' },
  entity: 'invoice',
  intervalMs: NORMAL_MS,
  row: housecallproInvoiceRecordSchema,
  assemble: withJobs,
  children: {
    entities: ['payment'],
    of: (r: HousecallProInvoiceRecord) =>
      r.invoice.payments.map((p) => ({
        entity: 'payment' as const,
        schema: housecallproPaymentRecordSchema,
        raw: { ...p, invoice_id: r.invoice.id, customer_id: r.customer_id },
      })),
  },
});
