import { Migration, MigrationProvider } from 'kysely';
import * as tenancy from './20261121000100-tenancy';
import * as canonicalStore from './20261121000200-canonical-store';
import * as changeLog from './20261121000300-change-log';
import * as commands from './20261121000400-commands';
import * as webhooks from './20261121000500-webhooks';
import * as operations from './20261121000600-operations';
import * as mfaRelay from './20261121000700-mfa-relay';
import * as sessionManager from './20261121000800-session-manager';
import * as webhookDelivery from './20261121000900-webhook-delivery';
import * as changeEventText from './20261121001000-change-event-text';
import * as changeEventPosition from './20261121001100-change-event-position';
import * as writerRecovery from './20261121001200-writer-recovery';
import * as oneChangeLog from './20261207000100-one-change-log';
import * as syncLeaseToken from './20261207000200-sync-lease-token';
import * as restApi from './20261207000300-rest-api';
import * as apiIdempotency from './20261207000400-api-idempotency';
import * as apiFeeds from './20261207000500-api-feeds';
import * as apiReplayText from './20261207000600-api-replay-text';
import * as reconcileRequest from './20261207000700-reconcile-request';
import * as assignmentKeys from './20261207000900-assignment-keys';

/**
 * Every migration, in order. An explicit list (no directory scan) so it works from compiled output
 * and bundles. Names are the file names and must sort in the order given (a unit spec checks that
 * and that every file in this folder is listed).
 */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['20261121000100-tenancy', tenancy],
  ['20261121000200-canonical-store', canonicalStore],
  ['20261121000300-change-log', changeLog],
  ['20261121000400-commands', commands],
  ['20261121000500-webhooks', webhooks],
  ['20261121000600-operations', operations],
  ['20261121000700-mfa-relay', mfaRelay],
  ['20261121000800-session-manager', sessionManager],
  ['20261121000900-webhook-delivery', webhookDelivery],
  ['20261121001000-change-event-text', changeEventText],
  ['20261121001100-change-event-position', changeEventPosition],
  ['20261121001200-writer-recovery', writerRecovery],
  ['20261207000100-one-change-log', oneChangeLog],
  ['20261207000200-sync-lease-token', syncLeaseToken],
  ['20261207000300-rest-api', restApi],
  ['20261207000400-api-idempotency', apiIdempotency],
  ['20261207000500-api-feeds', apiFeeds],
  ['20261207000600-api-replay-text', apiReplayText],
  ['20261207000700-reconcile-request', reconcileRequest],
  ['20261207000900-assignment-keys', assignmentKeys],
];

export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations = MIGRATIONS) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(this.migrations);
  }
}
