import type { VendorRecord } from '@fieldsync/connector-kit';
import { servicetitanEstimateRecordSchema, servicetitanEstimateSchema } from '../servicetitan.schemas';
import { listByIds } from './paging.util';
import { NORMAL_MS, exportFeed } from './stream.reader';
import { idOf, validatedRecord } from './wire-record.util';

/** The job fields an estimate record keeps (a job row that lost one of them fails the record's schema). */
function pickJob(raw: unknown): unknown {
  const row = raw as Record<string, unknown>;
  return { id: row['id'], customerId: row['customerId'], locationId: row['locationId'] };
}

/** The sales feed of estimates, each record the estimate row plus whose its job is. */
export const estimatesFeed = exportFeed({
  stream: 'estimates',
  module: 'sales',
  feed: 'estimates',
  entity: 'estimate',
  intervalMs: NORMAL_MS,
  row: servicetitanEstimateSchema,
  signalsDeletes: true,
  deleted: (row) => !row.active,
  async records(ctx, c, rows) {
    // The estimate row names its job, not its customer: the job says whose it is.
    const jobIds = rows.flatMap((row) => (row.jobId === null ? [] : [row.jobId]));
    const raws = jobIds.length === 0 ? [] : await listByIds(ctx, c, 'jpm', 'jobs', jobIds);
    const jobs = new Map<number, unknown>();
    for (const raw of raws) {
      const key = idOf(raw);
      if (key !== null) jobs.set(Number(key), pickJob(raw));
    }
    return rows.map((row): VendorRecord => {
      const raw = { estimate: row, job: row.jobId === null ? null : (jobs.get(row.jobId) ?? null) };
      return validatedRecord('estimate', servicetitanEstimateRecordSchema, raw, String(row.id), !row.active);
    });
  },
});
