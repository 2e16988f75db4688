import type { EntityType, OperationalEvent } from '@fieldsync/canonical-model';
import type { ConnectorReadSide, StreamReader } from '@fieldsync/connector-kit';
import type {
  ChangeLog,
  ClaimedCursor,
  CursorKey,
  CursorState,
  DB,
  MappedRecord,
  SyncCursorRepository,
} from '@fieldsync/persistence';
import type { Kysely } from 'kysely';
import type { DriftReportRepository } from '../store/drift-report.repository';
import { driftDetectedEvent } from './drift-event.util';
import type { DriftedRecord } from './page-mapping.util';
import { SyncError, SyncErrorCode } from './sync.error';

export interface PageCommit {
  readonly state: CursorState;
  readonly generation: number;
  /** Records the page read (what `records_synced` counts). */
  readonly records: number;
  /** The page completed a reconciliation pass that saw every record: tombstone what it did not see. */
  readonly tombstone: boolean;
}

export interface CommittedPage {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly drift: number;
  readonly events: number;
}

/**
 * For each entity of a connector that a stream without delete signals reconciles, that stream: a page
 * of another stream yielding such an entity stamps its rows with the owner's generation (ChangeLog
 * `owners`), so the owner's pass in progress sees them as seen and a later pass can still find them gone.
 */
export function reconcilingOwners(
  readSide: ConnectorReadSide,
  stream: StreamReader,
): Map<EntityType, string> {
  const owners = new Map<EntityType, string>();
  for (const other of readSide.streams) {
    if (other.signalsDeletes || other.stream === stream.stream) continue;
    for (const entity of other.reconciles ?? other.entities) owners.set(entity, other.stream);
  }
  return owners;
}

/**
 * Commits one page in one transaction, under a check that this claim still holds the stream's lease:
 * the cursor advance, the records through the change log (store, change events, tombstones of a
 * completed pass), the drift reports and the `connector.drift_detected` of a drift seen for the first
 * time. A page is stored whole or not at all.
 */
export class PageStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cursors: SyncCursorRepository,
    private readonly changeLog: ChangeLog,
    private readonly drift: DriftReportRepository,
    private readonly leaseMs: number,
  ) {}

  async commit(
    claim: ClaimedCursor,
    key: CursorKey,
    owners: ReadonlyMap<EntityType, string>,
    reconciles: readonly EntityType[],
    page: { mapped: readonly MappedRecord[]; drifted: readonly DriftedRecord[] },
    next: PageCommit,
    now: Date,
  ): Promise<CommittedPage> {
    return this.db.transaction().execute(async (trx) => {
      const held = await this.cursors.advance(trx, key, claim.lease, {
        state: next.state,
        generation: next.generation,
        records: next.records,
        leaseMs: this.leaseMs,
      });
      if (!held) throw new SyncError(SyncErrorCode.LeaseLost, 'lease lost before the page committed', true);
      const scope = { tenantId: claim.tenantId, connectionId: claim.connectionId, vendor: claim.vendor, now };
      const stored = await this.changeLog.record(trx, scope, page.mapped, {
        generation: next.generation,
        owners,
        // A quarantined record is still there at the vendor: a pass must not take it for gone.
        seen: page.drifted,
        tombstoneUnseen: next.tombstone ? reconciles : [],
      });
      const firstSightings: OperationalEvent[] = [];
      for (const item of page.drifted) {
        const sighting = {
          tenantId: claim.tenantId,
          connectionId: claim.connectionId,
          vendor: claim.vendor,
          ...item,
        };
        const report = await this.drift.record(trx, sighting);
        if (report.firstSeen) firstSightings.push(driftDetectedEvent(sighting, report.reportId, now));
      }
      await this.changeLog.announce(trx, firstSightings);
      return {
        created: stored.created,
        updated: stored.updated,
        deleted: stored.deleted,
        unchanged: stored.unchanged,
        drift: page.drifted.length,
        events: stored.events + firstSightings.length,
      };
    });
  }
}
