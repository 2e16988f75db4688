import { housecallproJobSchema } from '../housecallpro.schemas';
import { streamSpec } from './stream.reader';

/** Jobs, `updated_at desc` to the watermark (the list has no updated-since filter). */
export const jobsStream = streamSpec({
  stream: 'jobs',
  list: { path: '/jobs', key: 'jobs', mode: 'watermark' },
  entity: 'job',
  intervalMs: 30_000,
  row: housecallproJobSchema,
});
