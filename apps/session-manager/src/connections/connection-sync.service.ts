import type { ConnectorRegistry } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { SyncCursorRepository, type StreamSyncStatus } from '@fieldsync/persistence';
import { Injectable } from '@nestjs/common';
import { ConnectionError, ConnectionErrorCode } from './connection.error';
import { ConnectionsService } from './connections.service';

/** Where the extractor stands with each stream of a connection. */
export interface ConnectionSyncView {
  readonly connectionId: string;
  readonly vendor: string;
  readonly streams: StreamSyncStatus[];
}

/** What `POST /connections/:id/reconcile` asked for. */
export interface ReconcileRequestView {
  readonly connectionId: string;
  /** The streams that will begin a reconciliation pass (after the pass in progress, if one runs). */
  readonly requested: { stream: string; requestedAt: string }[];
  /** The streams that will not, and why. */
  readonly skipped: { stream: string; reason: string }[];
}

/**
 * The operators' view of a connection's sync and their lever on it: a reconciliation pass now. A stream
 * whose vendor lists no deletions finds them only by a full pass (every EXTRACTOR_RECONCILE_INTERVAL,
 * 6 h by default); after an incident, a restore at the vendor or a suspicion of missed deletes an operator
 * asks for one at once instead. Streams that list deletions have nothing to reconcile.
 */
@Injectable()
export class ConnectionSyncService {
  private readonly registry: ConnectorRegistry = CONNECTORS;

  constructor(
    private readonly connections: ConnectionsService,
    private readonly cursors: SyncCursorRepository,
  ) {}

  async status(connectionId: string): Promise<ConnectionSyncView> {
    const connection = await this.connections.get(connectionId);
    return { connectionId, vendor: connection.vendor, streams: await this.cursors.statusOf(connectionId) };
  }

  async reconcile(connectionId: string, streams?: readonly string[]): Promise<ReconcileRequestView> {
    const connection = await this.connections.get(connectionId);
    const readers = this.registry.get(connection.vendor).readSide.streams;
    const unknown = (streams ?? []).filter((name) => !readers.some((r) => r.stream === name));
    if (unknown.length > 0) {
      throw new ConnectionError(
        ConnectionErrorCode.UnknownStream,
        `${connection.vendor} has no stream ${unknown.join(', ')} (streams: ${readers.map((r) => r.stream).join(', ')})`,
      );
    }
    const chosen = readers.filter((r) => streams === undefined || streams.includes(r.stream));
    const skipped: { stream: string; reason: string }[] = chosen
      .filter((r) => r.signalsDeletes)
      .map((r) => ({ stream: r.stream, reason: 'the vendor lists its deletions: nothing to reconcile' }));
    const wanted = chosen.filter((r) => !r.signalsDeletes).map((r) => r.stream);
    const requested = await this.cursors.requestReconciliation(connectionId, wanted);
    for (const stream of wanted) {
      if (!requested.some((r) => r.stream === stream)) {
        skipped.push({ stream, reason: 'not synced yet: its first run is a full pass' });
      }
    }
    return { connectionId, requested, skipped: skipped.sort((a, b) => a.stream.localeCompare(b.stream)) };
  }
}
