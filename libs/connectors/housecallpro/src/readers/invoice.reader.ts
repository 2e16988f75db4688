import { HousecallProCallError, type CallContext, type HousecallProClient } from '../housecallpro.client';
import {
  housecallproInvoiceRecordSchema,
  housecallproPaymentRecordSchema,
  type HousecallProInvoiceRecord,
} from '../housecallpro.schemas';
import { NORMAL_MS, streamSpec } from './stream.reader';

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Each invoice with its job's customer and service address: Housecall Pro's invoice names only its job,
 * so the job is read once per page (`GET /jobs/{job_id}`). An invoice whose job is gone keeps no customer
 * and is reported as drift.
 */
async function withJobs(
  client: HousecallProClient,
  ctx: CallContext,
  rows: readonly unknown[],
): Promise<unknown[]> {
  const jobs = new Map<string, Row | null>();
  for (const row of rows) {
    const jobId = isRow(row) ? row['job_id'] : undefined;
    if (typeof jobId !== 'string' || jobs.has(jobId)) continue;
    try {
      const job = await client.get(ctx, `/jobs/${encodeURIComponent(jobId)}`);
      jobs.set(jobId, isRow(job) ? job : null);
    } catch (error) {
      if (error instanceof HousecallProCallError && error.status === 404) jobs.set(jobId, null);
      else throw error;
    }
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
