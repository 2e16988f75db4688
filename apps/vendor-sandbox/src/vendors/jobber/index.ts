export {
  registerJobberGraphql,
  jobberSchema,
  JOBBER_GRAPHQL_PATH,
  type JobberApiOptions,
} from './jobber-graphql.routes';
export { jobberGroundTruth, JOBBER_EXPORT_ENTITIES } from './jobber.ground-truth';
export { encodeId, decodeId } from './jobber-encoded-id.util';
export { JOBBER_API_VERSIONS, LATEST_VERSION } from './jobber-api.versions';
