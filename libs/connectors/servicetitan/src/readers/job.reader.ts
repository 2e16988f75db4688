import type { VendorRecord } from '@fieldsync/connector-kit';
import { anyTagged, jobRecordRaw, listTagTypes } from '../servicetitan-job-record.util';
import { servicetitanJobRecordSchema, servicetitanJobSchema } from '../servicetitan.schemas';
import { FAST_MS, exportFeed } from './stream.reader';
import { validatedRecord } from './wire-record.util';

/** The jpm feed of jobs, each record the job row plus the tenant's tag types it names. */
export const jobsFeed = exportFeed({
  stream: 'jobs',
  module: 'jpm',
  feed: 'jobs',
  entity: 'job',
  intervalMs: FAST_MS,
  row: servicetitanJobSchema,
  signalsDeletes: true,
  deleted: (row) => !row.active,
  // The row names its tags by id: the record carries the tenant's tag types they name.
  async records(ctx, c, rows) {
    const tagTypes = anyTagged(rows) ? await listTagTypes(c, ctx) : [];
    return rows.map((row): VendorRecord =>
      validatedRecord(
        'job',
        servicetitanJobRecordSchema,
        jobRecordRaw(row, tagTypes),
        String(row.id),
        !row.active,
      ),
    );
  },
});
