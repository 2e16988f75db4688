import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import type { DB } from '@fieldsync/persistence';
import type { RateOf } from '@fieldsync/platform';
import type { Kysely } from 'kysely';
import { DEFAULT_REQUESTS_PER_SECOND } from './stream-sync.service';
import type { SyncOptions } from './sync-options.types';

/**
 * The extractor's pace of a connection (ConnectionRateLimiter asks once per connection): the operator's
 * `EXTRACTOR_REQUESTS_PER_SECOND` when set, else its vendor's read budget (the connector's
 * `readSide.requestsPerSecond`), else DEFAULT_REQUESTS_PER_SECOND.
 */
export function connectionRateOf(
  db: Kysely<DB>,
  readSides: ReadonlyMap<string, ConnectorReadSide>,
  options: Pick<SyncOptions, 'requestsPerSecond'>,
): RateOf {
  return async (connectionId) => {
    if (options.requestsPerSecond !== undefined) return options.requestsPerSecond;
    const row = await db
      .selectFrom('connections')
      .select('vendor')
      .where('id', '=', connectionId)
      .executeTakeFirst();
    if (!row) throw new Error(`Connection ${connectionId} not found: its vendor sets its pace`);
    return readSides.get(row.vendor)?.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
  };
}
