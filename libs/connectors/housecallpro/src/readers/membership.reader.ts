import { housecallproServicePlanSchema } from '../housecallpro.schemas';
import { SLOW_MS, streamSpec } from './stream.reader';

/**
 * Service plan agreements (memberships): not in the v1 API; the pro web app's service plan list loads
 * them as JSON behind the same session (`GET /app/api/service_plan_agreements`), paged and sorted like
 * the v1 lists, so it is scanned `updated_at desc` to the watermark as customers are. Deletes (an
 * agreement removed, or its customer merged away) are found by reconciliation.
 */
export const membershipsStream = streamSpec({
  stream: 'service-plans',
  list: { path: '/app/api/service_plan_agreements', key: 'service_plan_agreements', mode: 'watermark' },
  entity: 'membership',
  intervalMs: SLOW_MS,
  row: housecallproServicePlanSchema,
});
