import { DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { ConnectionRow } from '../connections/connections.repository';
import { SessionEventsPublisher } from './session-events.publisher';
import { SessionsRepository } from './sessions.repository';

export interface SessionDrop {
  /** `invalid` when an operator revoked it, `expired` when the vendor no longer accepts it. */
  readonly health: 'expired' | 'invalid';
  /** Stored with the session (`unauthorized`, `manual`, `vendor_ended_session` ...). */
  readonly reason: string;
  /** Only this session: a late report about a replaced session changes nothing. */
  readonly version: number | undefined;
  /** The `session.expired` event's reason. */
  readonly eventReason: 'revoked' | 'expired';
}

/**
 * Marks a connection's session unusable and announces `session.expired` in the same transaction, only
 * when there was a usable session (of that version) to drop.
 */
@Injectable()
export class SessionInvalidationWriter {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly sessions: SessionsRepository,
    private readonly events: SessionEventsPublisher,
  ) {}

  /** Resolves to whether a session was dropped. */
  async drop(connection: ConnectionRow, drop: SessionDrop): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.sessions.invalidate(connection.id, drop.health, drop.reason, drop.version, trx);
      if (row) {
        await this.events.append(trx, connection, 'session.expired', {
          reason: drop.eventReason,
          expiredAt: new Date().toISOString(),
        });
      }
      return row !== undefined;
    });
  }
}
