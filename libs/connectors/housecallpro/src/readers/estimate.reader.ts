import { housecallproEstimateSchema } from '../housecallpro.schemas';
import { NORMAL_MS, streamSpec } from './stream.reader';

/** Estimates with their options, `updated_at desc` to the watermark. */
export const estimatesStream = streamSpec({
  stream: 'estimates',
  list: { path: '/estimates', key: 'estimates', mode: 'watermark' },
  entity: 'estimate',
  intervalMs: NORMAL_MS,
  row: housecallproEstimateSchema,
});
