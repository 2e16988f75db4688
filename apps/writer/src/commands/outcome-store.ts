import type { Command, CommandResult, Vendor } from '@fieldsync/canonical-model';
import {
  mapVendorRecord,
  type ConnectorReadSide,
  type VendorRecord,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { ENTITY_TABLES, type ChangeLog, type DB, type MappedRecord } from '@fieldsync/persistence';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { HeldKey, IdempotencyRepository } from '../idempotency/idempotency.repository';
import type { CommandsRepository } from './commands.repository';

/**
 * Step 5 of a command: what the vendor now has, stored in one transaction with the key's result — the
 * records the write read back, mapped by the read side's mapper (what the extractor's next poll would
 * store, so it finds no change), through the change log (one event per real change), the key completed
 * with the result, the command row updated.
 */
export class OutcomeStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly changeLog: ChangeLog,
    private readonly keys: IdempotencyRepository,
    private readonly commands: CommandsRepository,
    private readonly workerId: string,
  ) {}

  async succeeded(
    command: Command,
    vendor: Vendor,
    readSide: ConnectorReadSide | undefined,
    held: HeldKey,
    outcome: WriteOutcome,
    result: CommandResult,
    now: Date,
    log: Logger,
  ): Promise<{ events: number }> {
    const mapped = readSide ? mapRecords(readSide, command, outcome.records, log) : [];
    return this.db.transaction().execute(async (trx) => {
      let events = 0;
      if (mapped.length > 0) {
        const stored = await this.changeLog.record(
          trx,
          { tenantId: command.tenantId, connectionId: command.connectionId, vendor, now },
          mapped,
          // Stamped one generation ahead of the connection's passes: a reconciliation pass that began before
          // this write (and so could not see the record) must not take it for deleted.
          { generation: 'ahead' },
        );
        events = stored.events;
      }
      await this.keys.complete(trx, held, this.workerId, result);
      await this.commands.record(command, 'succeeded', { result, trx });
      return { events };
    });
  }

  /** A final refusal (the vendor's or ours): the key keeps the result, so the same request gets the same answer. */
  async refused(command: Command, held: HeldKey, result: CommandResult): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.keys.complete(trx, held, this.workerId, result);
      await this.commands.record(command, result.status, {
        error: result.error,
        trx,
      });
    });
  }
}

/** The records a write read back → canonical records; one that does not map is left to the extractor. */
function mapRecords(
  readSide: ConnectorReadSide,
  command: Command,
  records: readonly Extract<VendorRecord, { kind: 'record' }>[],
  log: Logger,
): MappedRecord[] {
  const mapped: MappedRecord[] = [];
  for (const record of records) {
    if (!ENTITY_TABLES[record.entity]) continue;
    const result = mapVendorRecord(readSide.mapper, record, {
      tenantId: command.tenantId,
      connectionId: command.connectionId,
    });
    if (result.ok) {
      mapped.push(result.record);
    } else {
      // The vendor has the change; the extractor will meet the same record and quarantine it as drift.
      log.warn(
        { entity: record.entity, externalId: record.externalId, issues: result.issues },
        'a record read back after the write does not map; left to the extractor',
      );
    }
  }
  return mapped;
}
