import type { Command, CommandResult, Vendor } from '@fieldsync/canonical-model';
import type { DB, Json } from '@fieldsync/persistence';
import { sql, type Kysely } from 'kysely';

export type CommandRowStatus = 'in_progress' | 'succeeded' | 'failed' | 'rejected';

/** The writer's queries outside the idempotency keys: the command's connection, and the `commands` rows. */
export class CommandsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The connection a command names, within its tenant; undefined when the tenant has no such connection. */
  async connectionOf(
    tenantId: string,
    connectionId: string,
  ): Promise<{ vendor: Vendor; status: string } | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .select(['vendor', 'status'])
      .where('id', '=', connectionId)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row ? { vendor: row.vendor as Vendor, status: row.status } : undefined;
  }

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
