import { DATABASE, type DB, type MfaMessages } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Insertable, Kysely } from 'kysely';
import type { MfaChannel } from './mfa.types';

export type NewMfaMessage = Required<
  Pick<
    Insertable<MfaMessages>,
    'id' | 'channel' | 'destination' | 'code_encrypted' | 'key_id' | 'received_at'
  >
> &
  Pick<Insertable<MfaMessages>, 'sender' | 'external_id'>;

export interface ClaimedMfaMessage {
  readonly id: string;
  readonly codeEncrypted: Buffer;
  readonly keyId: string;
}

/**
 * `mfa_messages`: inbound codes waiting for a login. Not tenant data: a provider posts to a phone number
 * or address, and the waiting login (which knows its connection) claims by destination.
 */
@Injectable()
export class MfaMessageRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  /** Stores a message; undefined when its `external_id` is already stored (a redelivery). */
  async insert(message: NewMfaMessage): Promise<string | undefined> {
    const row = await this.db
      .insertInto('mfa_messages')
      .values(message)
      .onConflict((oc) => oc.column('external_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  async findIdByExternalId(externalId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('mfa_messages')
      .select('id')
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row?.id;
  }

  /**
   * Marks the oldest unconsumed message to `destination` on `channel` received at or after `from` as
   * consumed by `connectionId`, and returns it. `FOR UPDATE SKIP LOCKED` makes concurrent claims take
   * different rows: two waiters never get the same code.
   */
  async claimOldest(claim: {
    channel: MfaChannel;
    destination: string;
    from: Date;
    connectionId: string;
  }): Promise<ClaimedMfaMessage | undefined> {
    const row = await this.db
      .updateTable('mfa_messages')
      .set({ consumed_at: new Date(), consumed_by: claim.connectionId })
      .where('consumed_at', 'is', null)
      .where('id', '=', (eb) =>
        eb
          .selectFrom('mfa_messages')
          .select('id')
          .where('destination', '=', claim.destination)
          .where('channel', '=', claim.channel)
          .where('consumed_at', 'is', null)
          .where('received_at', '>=', claim.from)
          .orderBy('received_at')
          .orderBy('id')
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'code_encrypted', 'key_id'])
      .executeTakeFirst();
    return row && { id: row.id, codeEncrypted: row.code_encrypted, keyId: row.key_id };
  }

  /** Deletes messages stored before `cutoff`, consumed or not; returns how many. */
  async deleteCreatedBefore(cutoff: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('mfa_messages')
      .where('created_at', '<', cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
