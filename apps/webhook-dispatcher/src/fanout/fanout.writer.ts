import { DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { DeliverySettings } from '../config/delivery.config';
import { DELIVERY_SETTINGS, REPLICA_ID } from '../delivery/delivery.constants';
import { DeliveryMetrics } from '../delivery/delivery.metrics';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { MessageRepository, type ClaimedMessage, type NewMessage } from '../delivery/message.repository';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { endpointWants } from '@fieldsync/canonical-model';
import { newMessageId } from '../webhook-ids.util';
import type { EventEnvelope } from './event-envelope.schema';

/** One event from FSM_EVENTS, as fan-out records it. */
export interface IncomingEvent {
  envelope: EventEnvelope;
  /** The document as published (delivered byte for byte). */
  body: string;
  /** FSM_EVENTS sequence: the ordering key's tiebreak when the event carries no `sequence`. */
  streamSequence: number;
}

interface Waiting {
  event: IncomingEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Events per transaction. */
const MAX_BATCH = 500;
/** Handed-over messages count their lease this much shorter than the database did. */
const LEASE_CLOCK_MARGIN_MS = 1_000;

/**
 * Records, for each event, one message per endpoint of its tenant that wants it — in one transaction per
 * batch of events. `write` resolves once its event's messages are committed, so the JetStream handler
 * acks only after the durable write. Batches are written one after another in arrival order, so the
 * ledger sees an entity's events in stream order (what per-entity ordering relies on).
 */
@Injectable()
export class FanoutWriter {
  private queue: Waiting[] = [];
  private running: Promise<void> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly endpoints: EndpointRepository,
    private readonly messages: MessageRepository,
    private readonly worker: DeliveryWorker,
    private readonly metrics: DeliveryMetrics,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
    @Inject(REPLICA_ID) private readonly owner: string,
  ) {}

  write(event: IncomingEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      // a write that arrived between the loop's last check and now
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const recorded = await this.record(batch.map((w) => w.event));
        this.metrics.fanoutMessages.inc(recorded);
        for (const w of batch) w.resolve();
        if (recorded > 0) this.worker.wake();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  }

  private async record(events: readonly IncomingEvent[]): Promise<number> {
    const tenants = [...new Set(events.map((e) => e.envelope.tenantid))];
    const endpoints = await this.endpoints.listRouting(tenants);
    if (endpoints.length === 0) return 0;
    const retainedUntil = new Date(Date.now() + this.settings.retentionMs);
    const rows: NewMessage[] = [];
    for (const { envelope, body, streamSequence } of events) {
      for (const endpoint of endpoints) {
        if (endpoint.tenantId !== envelope.tenantid || !endpointWants(endpoint, envelope)) continue;
        rows.push({
          id: newMessageId(),
          tenantId: envelope.tenantid,
          endpointId: endpoint.id,
          eventId: envelope.id,
          eventType: envelope.type,
          body,
          orderingKey: endpoint.ordered ? (envelope.subject ?? null) : null,
          orderingSeq: String(envelope.sequence === undefined ? streamSequence : BigInt(envelope.sequence)),
          retainedUntil,
        });
      }
    }
    if (rows.length === 0) return 0;
    // First attempts go straight to this replica's worker when it has room (ordered endpoints excepted:
    // their order is kept by the claim).
    const lease = { owner: this.owner, leaseMs: this.settings.leaseMs };
    const reservations: string[] = [];
    for (const row of rows) {
      if (row.orderingKey === null && this.worker.reserve(row.endpointId)) {
        row.lease = lease;
        reservations.push(row.endpointId);
      }
    }
    let inserted: Set<string>;
    try {
      inserted = await this.db.transaction().execute((trx) => this.messages.insertFanout(trx, rows));
    } catch (error) {
      void this.worker.handOff(reservations, []);
      throw error;
    }
    const now = new Date();
    // The lease was counted from the database's clock; stay on the safe side of ours.
    const leaseUntil = new Date(now.getTime() + this.settings.leaseMs - LEASE_CLOCK_MARGIN_MS);
    const recorded: ClaimedMessage[] = rows
      .filter((row) => row.lease !== undefined && inserted.has(row.id))
      .map((row) => ({
        id: row.id,
        tenantId: row.tenantId,
        endpointId: row.endpointId,
        eventId: row.eventId,
        eventType: row.eventType,
        body: row.body,
        attemptCount: 0,
        scheduledAttempts: 0,
        createdAt: now,
        dueAt: now,
        leaseUntil,
      }));
    void this.worker.handOff(reservations, recorded);
    return inserted.size;
  }
}
