import { USER } from '../jobber-selections';
import { jobberUserSchema } from '../jobber.schemas';
import { MINUTE, type StreamSpec } from './stream.reader';
import { singleRecord } from './wire-record.util';

/** The account's users, the whole list each time (no updatedAt to filter by). */
export const usersStream: StreamSpec = {
  stream: 'users',
  entities: ['technician'],
  intervalMs: 15 * MINUTE,
  root: 'users',
  mode: { kind: 'listing' },
  nodes: USER,
  records: singleRecord('technician', jobberUserSchema),
};
