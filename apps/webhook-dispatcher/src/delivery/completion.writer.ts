import { ChangeLog, DATABASE, type DB } from '@fieldsync/persistence';
import type { OperationalEvent } from '@fieldsync/canonical-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { DeliverySettings } from '../config/delivery.config';
import {
  EndpointRepository,
  type DisabledEndpoint,
  type DisableReason,
} from '../endpoints/endpoint.repository';
import { DELIVERY_EVENT_TYPES } from '@fieldsync/canonical-model';
import {
  endpointDisabledEvent,
  messageAttemptExhaustedEvent,
} from '../operational/operational-event.factory';
import { newAttemptId } from '../webhook-ids.util';
import { DELIVERY_SETTINGS, REPLICA_ID } from './delivery.constants';
import { DeliveryMetrics } from './delivery.metrics';
import {
  MessageRepository,
  type ClaimedMessage,
  type MessageOutcome,
  type NewAttempt,
} from './message.repository';
import type { AttemptResult, Decision } from './retry.policy';

/** One finished attempt, waiting to be written. */
export interface Completion {
  message: ClaimedMessage;
  endpoint: { id: string; tenantId: string; url: string };
  result: AttemptResult;
  decision: Decision;
  attemptedAt: Date;
}

const MAX_BATCH = 500;
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 5_000;

/**
 * Writes finished attempts to the ledger in batches, one transaction each: the attempt rows, the
 * messages' new state (succeeded, next attempt, failed), the endpoints' failure clocks, endpoints
 * disabled by a 410 or by failing for WEBHOOK_DISABLE_AFTER, and their operational events through the
 * change log (the one outbox relay publishes them).
 * Until a completion is written its message keeps its lease, so nothing claims it twice meanwhile;
 * if the process dies first, the lease runs out and the message is attempted again (at least once).
 */
@Injectable()
export class CompletionWriter {
  private queue: Completion[] = [];
  private running: Promise<void> | undefined;
  private readonly flushedListeners: (() => void)[] = [];

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly messages: MessageRepository,
    private readonly endpoints: EndpointRepository,
    private readonly changeLog: ChangeLog,
    private readonly metrics: DeliveryMetrics,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
    @Inject(REPLICA_ID) private readonly owner: string,
    @InjectPinoLogger(CompletionWriter.name) private readonly logger: PinoLogger,
  ) {}

  /** Called after every committed batch (the worker wakes: ordered successors may now be due). */
  onFlushed(listener: () => void): void {
    this.flushedListeners.push(listener);
  }

  get pending(): number {
    return this.queue.length;
  }

  add(completion: Completion): void {
    this.queue.push(completion);
    this.schedule();
  }

  private schedule(): void {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      // a completion that arrived between the loop's last check and now
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** Resolves when everything added so far is written (or `timeoutMs` passed). */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.running) && Date.now() < deadline) {
      await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.write(batch);
        failures = 0;
        for (const listener of this.flushedListeners) listener();
      } catch (err) {
        failures++;
        this.queue.unshift(...batch);
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(failures, 10));
        this.logger.error({ err, completions: batch.length, retryInMs: delay }, 'writing attempts failed');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** One transaction for the batch; returns how many operational events it queued. */
  private async write(batch: readonly Completion[]): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await this.messages.lockExisting(
        trx,
        batch.map((c) => c.message.id),
      );
      const live = batch.filter((c) => existing.has(c.message.id));
      const attempts: NewAttempt[] = [];
      const outcomes: MessageOutcome[] = [];
      for (const c of live) {
        const next = nextAttemptAt(c);
        attempts.push({
          id: newAttemptId(),
          tenantId: c.message.tenantId,
          messageId: c.message.id,
          endpointId: c.endpoint.id,
          attemptNumber: c.message.attemptCount + 1,
          url: c.endpoint.url,
          outcome: c.result.outcome,
          statusCode: c.result.statusCode,
          durationMs: c.result.durationMs,
          responseExcerpt: c.result.responseExcerpt,
          error: c.result.error,
          nextAttemptAt: next,
          at: c.attemptedAt,
        });
        outcomes.push({
          id: c.message.id,
          status:
            c.decision.kind === 'succeeded'
              ? 'succeeded'
              : c.decision.kind === 'retry'
                ? 'pending'
                : 'failed',
          nextAttemptAt: next,
          attemptedAt: c.attemptedAt,
          statusCode: c.result.statusCode,
          error: c.result.error,
          failureReason:
            c.decision.kind === 'failed'
              ? c.decision.reason
              : c.decision.kind === 'gone'
                ? 'endpoint_disabled'
                : null,
        });
      }
      await this.messages.insertAttempts(trx, attempts);
      const applied = await this.messages.applyOutcomes(trx, this.owner, outcomes);

      // Endpoint failure clocks follow the latest attempt of each endpoint in the batch.
      const succeeded = new Set<string>();
      const failing = new Map<string, Date>();
      const lastStatus = new Map<string, number | null>();
      for (const c of [...live].sort((a, b) => a.attemptedAt.getTime() - b.attemptedAt.getTime())) {
        lastStatus.set(c.endpoint.id, c.result.statusCode);
        if (c.decision.kind === 'succeeded') {
          succeeded.add(c.endpoint.id);
          failing.delete(c.endpoint.id);
        } else {
          succeeded.delete(c.endpoint.id);
          if (!failing.has(c.endpoint.id)) failing.set(c.endpoint.id, c.attemptedAt);
        }
      }
      await this.endpoints.recordHealth(trx, [...succeeded], failing);
      const goneIds = [...new Set(live.filter((c) => c.decision.kind === 'gone').map((c) => c.endpoint.id))];
      const disabled: (DisabledEndpoint & { reason: DisableReason })[] = [
        ...(await this.endpoints.disable(trx, goneIds, 'gone')).map((d) => ({
          ...d,
          reason: 'gone' as const,
        })),
        ...(
          await this.endpoints.disableLongFailing(
            trx,
            [...failing.keys()].filter((id) => !goneIds.includes(id)),
            this.settings.disableAfterMs,
          )
        ).map((d) => ({ ...d, reason: 'consecutive_failures' as const })),
      ];
      await this.messages.failPendingOfEndpoints(
        trx,
        disabled.map((d) => d.id),
      );

      const events: OperationalEvent[] = disabled.map((d) =>
        endpointDisabledEvent({
          tenantId: d.tenantId,
          endpointId: d.id,
          reason: d.reason,
          failingSince: d.failingSince,
          lastStatusCode: lastStatus.get(d.id) ?? null,
        }),
      );
      for (const c of live) {
        if (c.decision.kind !== 'failed' || c.decision.reason !== 'exhausted') continue;
        // Never about a delivery event itself: an operational endpoint that is down would feed itself.
        if (!applied.has(c.message.id) || DELIVERY_EVENT_TYPES.has(c.message.eventType)) continue;
        events.push(
          messageAttemptExhaustedEvent({
            tenantId: c.message.tenantId,
            endpointId: c.endpoint.id,
            messageId: c.message.id,
            eventId: c.message.eventId,
            eventType: c.message.eventType,
            attempts: c.message.attemptCount + 1,
            lastStatusCode: c.result.statusCode,
            lastError: c.result.error,
            lastAttemptAt: c.attemptedAt,
          }),
        );
      }
      await this.changeLog.announce(trx, events);
      for (const d of disabled) {
        this.metrics.disabledEndpoints.inc({ reason: d.reason });
        this.logger.warn(
          { tenantId: d.tenantId, endpointId: d.id, reason: d.reason, failingSince: d.failingSince },
          'endpoint disabled',
        );
      }
      return events.length;
    });
  }
}

function nextAttemptAt(c: Completion): Date | null {
  return c.decision.kind === 'retry'
    ? new Date(c.attemptedAt.getTime() + c.result.durationMs + c.decision.delayMs)
    : null;
}
