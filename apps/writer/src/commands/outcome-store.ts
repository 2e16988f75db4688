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

/** At most this many commands' outcomes in one transaction (one connection's group commit). */
const MAX_GROUP = 64;

interface Pending {
  readonly command: Command;
  readonly vendor: Vendor;
  readonly held: HeldKey;
  readonly outcome: WriteOutcome;
  readonly result: CommandResult;
  readonly now: Date;
  readonly mapped: readonly MappedRecord[];
  readonly resolve: (stored: StoredOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** What the transaction that stored a command's outcome did: events appended, commands it held. */
export interface StoredOutcome {
  /** Change events appended by that transaction (for every command it held, when more than one). */
  readonly events: number;
  /** Commands whose outcomes that transaction stored (1: this one alone). */
  readonly group: number;
}

/**
 * Step 5 of a command: what the vendor now has, stored in one transaction with the key's result — the
 * records the write read back, mapped by the read side's mapper (what the extractor's next poll would
 * store, so it finds no change), through the change log (one event per real change), the key completed
 * with the result, the command row updated.
 *
 * Group commit per connection: the change log takes the connection's lock until the commit, so one
 * connection's outcome transactions run one at a time whatever the writer's concurrency. Instead of
 * queueing for that lock (each holding a pooled Postgres connection meanwhile), a command's outcome
 * joins its connection's lane: one transaction at a time per connection, holding every outcome that
 * arrived while the previous one ran (at most MAX_GROUP): each key completed with its result and
 * command row, all their records through one `ChangeLog.record`, one commit. Each command still
 * commits exactly what it did alone (its key completed together with its records), only in company;
 * a crash before the commit leaves each key as a crash before its own commit would. When a group's
 * transaction fails, each of its commands is tried again alone, so one command's trouble (a lost
 * lease) is its own.
 */
export class OutcomeStore {
  private readonly lanes = new Map<string, Pending[]>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly changeLog: ChangeLog,
    private readonly keys: IdempotencyRepository,
    private readonly workerId: string,
  ) {}

  succeeded(
    command: Command,
    vendor: Vendor,
    readSide: ConnectorReadSide | undefined,
    held: HeldKey,
    outcome: WriteOutcome,
    result: CommandResult,
    now: Date,
    log: Logger,
  ): Promise<StoredOutcome> {
    const mapped = readSide ? mapRecords(readSide, command, outcome.records, log) : [];
    return new Promise<StoredOutcome>((resolve, reject) => {
      const entry: Pending = { command, vendor, held, outcome, result, now, mapped, resolve, reject };
      const lane = this.lanes.get(command.connectionId);
      if (lane) {
        lane.push(entry);
        return;
      }
      const fresh = [entry];
      this.lanes.set(command.connectionId, fresh);
      void this.drain(command.connectionId, fresh);
    });
  }

  /** Commits the lane's outcomes, a group at a time, until none is waiting. */
  private async drain(connectionId: string, lane: Pending[]): Promise<void> {
    try {
      while (lane.length > 0) {
        const group = lane.splice(0, MAX_GROUP);
        await this.commitGroup(group);
      }
    } finally {
      this.lanes.delete(connectionId);
    }
  }

  private async commitGroup(group: readonly Pending[]): Promise<void> {
    try {
      const events = await this.store(group);
      for (const entry of group) entry.resolve({ events, group: group.length });
      return;
    } catch (error) {
      const [only] = group;
      if (only !== undefined && group.length === 1) {
        only.reject(error);
        return;
      }
    }
    for (const entry of group) {
      try {
        entry.resolve({ events: await this.store([entry]), group: 1 });
      } catch (error) {
        entry.reject(error);
      }
    }
  }

  /** One transaction: every key completed (with `vendor_call_done` and its command row), then the records. */
  private store(group: readonly Pending[]): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      // The keys first: the change log below takes the connection's lock, held to the commit.
      for (const { held, result, outcome, command } of group) {
        await this.keys.complete(trx, held, this.workerId, result, { recovery: outcome, command });
      }
      const mapped = group.flatMap((entry) => entry.mapped);
      const last = group[group.length - 1];
      if (mapped.length === 0 || last === undefined) return 0;
      const stored = await this.changeLog.record(
        trx,
        {
          tenantId: last.command.tenantId,
          connectionId: last.command.connectionId,
          vendor: last.vendor,
          now: last.now,
        },
        // In the order the vendor answered: the last read-back of a record wins, earlier ones count in order.
        mapped,
        // Stamped one generation ahead of the connection's passes: a reconciliation pass that began before
        // these writes (and so could not see the records) must not take them for deleted.
        { generation: 'ahead' },
      );
      return stored.events;
    });
  }

  /** A final refusal (the vendor's or ours): the key keeps the result, so the same request gets the same answer. */
  async refused(command: Command, held: HeldKey, result: CommandResult): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.keys.complete(trx, held, this.workerId, result, { command });
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
