export {
  JOBBER_SESSION_POLICY,
  JobberAuthFlow,
  jobberAuthFlow,
  type JobberAuthFlowOptions,
} from './jobber.auth-flow';
export { JOBBER_DEVICE_COOKIE, JOBBER_GRAPHQL_VERSION } from './jobber.constants';
export { JOBBER_ROLE_ENTITLEMENTS, jobberEntitlements } from './jobber-roles.util';
export {
  JobberGraphqlError,
  jobberGraphql,
  jobberMutate,
  type JobberMutationFields,
  retryAfterMs,
  throttleWaitMs,
  type JobberGraphqlResult,
} from './jobber.client';
export { JOBBER_CURRENCY, JobberMapper, jobberMapper } from './jobber.mapper';
export {
  JOBBER_PAGE_COST_BUDGET,
  JOBBER_UNSORTED_OVERLAP_MS,
  jobberReadSide,
  jobberStreamReaders,
  validatedRecord,
} from './jobber.readers';
export { parseJobberCheckpoint, type JobberCheckpoint } from './jobber-checkpoint.util';
export { jobberWriteSide } from './jobber.writer';
export { jobberConnector } from './jobber.connector';
