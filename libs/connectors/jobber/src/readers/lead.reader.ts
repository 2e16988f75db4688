import { REQUEST } from '../jobber-selections';
import { jobberRequestSchema } from '../jobber.schemas';
import { MINUTE, type StreamSpec } from './stream.reader';
import { singleRecord } from './wire-record.util';

/** Requests: filtered by updatedAt but not sortable by it (overlapping passes). */
export const requestsStream: StreamSpec = {
  stream: 'requests',
  entities: ['lead'],
  intervalMs: 2 * MINUTE,
  root: 'requests',
  mode: { kind: 'filtered', filterType: 'RequestFilterAttributes' },
  nodes: REQUEST,
  records: singleRecord('lead', jobberRequestSchema),
};
