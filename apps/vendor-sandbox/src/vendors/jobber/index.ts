/*
 * Jobber in the sandbox: its portal (login flow with an SMS code on an unrecognised device, test
 * users), its GraphQL API behind the session, and its ground truth. The registry
 * (portal/portal.registry.ts) takes createJobberPortal.
 */
export { createJobberPortal, jobberPortal } from './jobber.portal';
export {
  registerJobberGraphql,
  jobberSchema,
  JOBBER_GRAPHQL_PATH,
  type JobberApiOptions,
} from './jobber-graphql.routes';
export { jobberGroundTruth, JOBBER_EXPORT_ENTITIES } from './jobber.ground-truth';
export { encodeId, decodeId } from './jobber-encoded-id.util';
export { JOBBER_API_VERSIONS, LATEST_VERSION } from './jobber-api.versions';
