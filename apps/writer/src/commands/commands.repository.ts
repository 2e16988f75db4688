import type { Command, CommandResult } from '@fieldsync/canonical-model';
import type { DB, Json } from '@fieldsync/persistence';
import { sql, type Kysely } from 'kysely';

export type CommandRowStatus = 'in_progress' | 'succeeded' | 'failed' | 'rejected';

/** The writer's `commands` rows outside the idempotency keys' own writes (a failure that is not final). */
export class CommandsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The `commands` row: what was asked and how it ended (the API lists it). In `trx` when given. */
  async record(
    command: Command,
    status: CommandRowStatus,
    extra: { result?: CommandResult; error?: unknown; trx?: Kysely<DB> } = {},
  ): Promise<void> {
    const db = extra.trx ?? this.db;
    const final = status !== 'in_progress';
    await db
      .insertInto('commands')
      .values({
        command_id: command.commandId,
        tenant_id: command.tenantId,
        connection_id: command.connectionId,
        idempotency_key: command.idempotencyKey,
        type: command.type,
        payload: JSON.stringify(command.payload) as unknown as Json,
        status,
        attempts: 1,
        requested_at: new Date(command.requestedAt),
        started_at: sql<Date>`now()`,
        ...(final ? { completed_at: sql<Date>`now()` } : {}),
        ...(extra.result ? { result: JSON.stringify(extra.result.result ?? null) as unknown as Json } : {}),
        ...(extra.error ? { error: JSON.stringify(extra.error) as unknown as Json } : {}),
      })
      .onConflict((oc) =>
        oc.column('command_id').doUpdateSet((eb) => ({
          status,
          attempts:
            status === 'in_progress' ? sql<number>`commands.attempts + 1` : eb.ref('commands.attempts'),
          updated_at: sql<Date>`now()`,
          ...(final ? { completed_at: sql<Date>`now()` } : {}),
          ...(extra.result ? { result: eb.ref('excluded.result') } : {}),
          ...(extra.error ? { error: eb.ref('excluded.error') } : {}),
        })),
      )
      .execute();
  }
}
