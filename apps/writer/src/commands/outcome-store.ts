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

/** At most this many commands' outcomes in one transaction (group commit). */
const MAX_GROUP = 64;
/**
 * Outcome transactions at once per replica: a second overlaps the first's commit (its fsync) and round
 * trips; more would only split the groups.
 */
const LANES = 2;

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
 * Group commit per replica: a command's outcome joins one queue; at most LANES transactions run at a
 * time, each holding every outcome that waited while the previous ones ran (at most MAX_GROUP, of any
 * connections, but a connection in one running group only, so its outcomes commit in arrival order): each key completed with its result and command row, then per connection (in connection
 * id order) its records through one `ChangeLog.record`, one commit. The queue fills while transactions
 * run, so the busier the writer, the larger the groups and the fewer the commits per command; an idle
 * writer stores a lone outcome at once. (Lanes per connection grouped only when one connection had
 * several outcomes at once: 1.02 commands per transaction with 10 connections sharing 16 slots.)
 *
 * Each command still commits exactly what it did alone (its key completed together with its records),
 * only in company; a crash before the commit leaves each key as a crash before its own commit would.
 * The change log's connection locks are taken in connection id order, by every group, so two groups
 * (of this replica or another) never wait for each other in a cycle; the extractor's page transactions
 * take one such lock each. When a group's transaction fails, each of its commands is tried again alone,
 * so one command's trouble (a lost lease) is its own.
 */
export class OutcomeStore {
  private readonly waiting: Pending[] = [];
  /** Connections with outcomes in a running group. */
  private readonly busy = new Set<string>();
  private running = 0;

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
      this.waiting.push({ command, vendor, held, outcome, result, now, mapped, resolve, reject });
      if (this.running < LANES) void this.drain();
    });
  }

  /**
   * One lane: commits the waiting outcomes, a group at a time, until none it may take is waiting. A
   * connection's outcomes are in at most one running group, so they commit in the order they arrived (a
   * later read-back of a record never committed before an earlier one); an outcome whose connection is
   * in the other lane's group waits for that lane, which takes it next.
   */
  private async drain(): Promise<void> {
    this.running += 1;
    try {
      for (let group = this.takeGroup(); group.length > 0; group = this.takeGroup()) {
        const connections = new Set(group.map((entry) => entry.command.connectionId));
        for (const connectionId of connections) this.busy.add(connectionId);
        try {
          await this.commitGroup(group);
        } finally {
          for (const connectionId of connections) this.busy.delete(connectionId);
        }
      }
    } finally {
      this.running -= 1;
    }
  }

  /** Up to MAX_GROUP waiting outcomes, oldest first, of connections no running group holds. */
  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    const left: Pending[] = [];
    for (const entry of this.waiting) {
      if (group.length < MAX_GROUP && !this.busy.has(entry.command.connectionId)) group.push(entry);
      else left.push(entry);
    }
    this.waiting.splice(0, this.waiting.length, ...left);
    return group;
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
      // The keys first (one statement for all): the change log below takes each connection's lock, held
      // to the commit.
      await this.keys.completeMany(
        trx,
        this.workerId,
        group.map(({ held, result, outcome, command }) => ({ held, result, recovery: outcome, command })),
      );
      // Per connection, in the order the vendor answered (the last read-back of a record wins, earlier
      // ones count in order); connections in id order, so every group takes their locks in one order.
      const byConnection = new Map<string, Pending[]>();
      for (const entry of group) {
        if (entry.mapped.length === 0) continue;
        const own = byConnection.get(entry.command.connectionId);
        if (own) own.push(entry);
        else byConnection.set(entry.command.connectionId, [entry]);
      }
      let events = 0;
      for (const connectionId of [...byConnection.keys()].sort()) {
        const entries = byConnection.get(connectionId) as Pending[];
        const last = entries[entries.length - 1] as Pending;
        const stored = await this.changeLog.record(
          trx,
          { tenantId: last.command.tenantId, connectionId, vendor: last.vendor, now: last.now },
          entries.flatMap((entry) => entry.mapped),
          // Stamped one generation ahead of the connection's passes: a reconciliation pass that began
          // before these writes (and so could not see the records) must not take them for deleted.
          { generation: 'ahead' },
        );
        events += stored.events;
      }
      return events;
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
