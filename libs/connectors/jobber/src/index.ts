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
export { JOBBER_CURRENCY } from './mappers/mapping.util';
export { JobberMapper, jobberMapper } from './jobber.mapper';
export { jobberReadSide, jobberStreamReaders } from './jobber.readers';
export { JOBBER_PAGE_COST_BUDGET } from './readers/paging.util';
export { JOBBER_UNSORTED_OVERLAP_MS } from './readers/stream.reader';
export { validatedRecord } from './readers/wire-record.util';
export { parseJobberCheckpoint, type JobberCheckpoint } from './jobber-checkpoint.util';
export { jobberWriteSide } from './jobber.writer';
export { jobberConnector } from './jobber.connector';
