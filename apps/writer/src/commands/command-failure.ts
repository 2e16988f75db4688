import type { Command, CommandResult, ResultErrorCode, Vendor } from '@fieldsync/canonical-model';
import { VendorWriteError } from '@fieldsync/connector-kit';
import { backoffDelayMs } from '@fieldsync/platform';
import type { Logger } from 'pino';
import {
  LeaseLostError,
  type HeldKey,
  type IdempotencyRepository,
  type RecoveryPoint,
} from '../idempotency/idempotency.repository';
import { errorResult } from './command-results.util';
import type { CommandsRepository } from './commands.repository';
import type { OutcomeStore } from './outcome-store';
import { TransientFailure, type Disposition, type WriterOptions } from './writer.types';
import type { WriterMetrics } from './writer.metrics';

export interface Delivery {
  readonly deliveryCount: number;
  readonly maxDeliver: number;
  readonly signal: AbortSignal;
}

/**
 * How a command that did not succeed ends (DESIGN "Bad input gets a clear error", "Respect the vendor"):
 *
 *  - refused before its key (unknown connection, a type or a field the vendor cannot carry): answered,
 *    not keyed;
 *  - refused by the vendor or our checks (VendorWriteError): `rejected`/`failed`, final, kept on the key;
 *  - another writer took the key over: left to it;
 *  - a shutdown: handed back (nak) to run again;
 *  - a Retry-After: nak'ed with it while deliveries remain;
 *  - our own trouble (database, NATS): nak'ed with backoff while deliveries remain;
 *  - otherwise `failed`, not final (the same key may be sent again and resumes from its recovery point,
 *    looking for the marker first), and the command goes to FSM_DLQ.
 */
export class CommandFailures {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly commands: CommandsRepository,
    private readonly outcomes: OutcomeStore,
    private readonly publishResult: (tenantId: string, result: CommandResult) => Promise<void>,
    private readonly metrics: WriterMetrics,
    private readonly options: WriterOptions,
    private readonly now: () => Date,
  ) {}

  /** A command refused before its key is taken: answered, not keyed. */
  async refuseUnkeyed(
    command: Command,
    code: ResultErrorCode,
    field: string,
    message: string,
  ): Promise<Disposition> {
    const result = errorResult(command, this.now(), code, message, field);
    await this.publishResult(command.tenantId, result);
    this.metrics.completed(null, command.type, result.status, 0, 0);
    return { kind: 'ack' };
  }

  async settle(
    command: Command,
    vendor: Vendor,
    held: HeldKey,
    reachedPoint: RecoveryPoint,
    error: unknown,
    delivery: Delivery,
    log: Logger,
  ): Promise<Disposition> {
    const { keys, options, metrics } = this;
    if (error instanceof LeaseLostError) {
      log.warn('another writer took this idempotency key over (lease expired): leaving the command to it');
      return { kind: 'ack' };
    }
    if (error instanceof VendorWriteError) {
      const result = errorResult(command, this.now(), error.code, error.message, error.details.field, {
        ...(error.details.vendorCode === undefined ? {} : { vendorCode: error.details.vendorCode }),
      });
      await this.outcomes.refused(command, held, result);
      await this.publishResult(command.tenantId, result);
      metrics.completed(vendor, command.type, result.status, 0, 0);
      log.info({ code: error.code, field: error.details.field }, `command ${result.status}`);
      return { kind: 'ack' };
    }
    const transient =
      error instanceof TransientFailure
        ? error
        : new TransientFailure('internal', error instanceof Error ? error.message : String(error));
    const lastDelivery = delivery.deliveryCount >= delivery.maxDeliver;
    if (delivery.signal.aborted && transient.code !== 'rate_limited') {
      await keys.release(held, options.workerId, 'in_progress').catch(() => undefined);
      return { kind: 'nak', delayMs: 0, reason: 'shutting down' };
    }
    if (
      transient.retryAfterMs !== undefined &&
      transient.retryAfterMs <= options.maxRetryAfterMs &&
      !lastDelivery
    ) {
      await keys.release(held, options.workerId, 'in_progress');
      log.info({ code: transient.code, delayMs: transient.retryAfterMs }, 'command postponed');
      return { kind: 'nak', delayMs: transient.retryAfterMs, reason: transient.message };
    }
    if (transient.code === 'internal' && !lastDelivery) {
      log.error({ err: error }, 'command failed on our side, will retry');
      await keys.release(held, options.workerId, 'in_progress').catch(() => undefined);
      return {
        kind: 'nak',
        delayMs: backoffDelayMs(delivery.deliveryCount, 1_000, 60_000, { jitter: 'full' }),
        reason: transient.message,
      };
    }
    const message =
      reachedPoint !== 'started'
        ? `${transient.message}; the vendor may have applied the change: send the same idempotency key again to complete it (it is looked for before anything is written again)`
        : transient.message;
    const result = errorResult(command, this.now(), transient.code, message, undefined, {
      retriable: true,
      ...(transient.retryAfterMs === undefined
        ? {}
        : { retryAfterSeconds: Math.ceil(transient.retryAfterMs / 1000) }),
    });
    await keys.release(held, options.workerId, 'failed');
    await this.commands.record(command, 'failed', { error: result.error });
    await this.publishResult(command.tenantId, result);
    metrics.completed(vendor, command.type, 'failed', 0, 0);
    log.warn({ code: transient.code, reason: transient.message }, 'command failed; copied to the DLQ');
    return { kind: 'dead_letter', reason: `${transient.code}: ${transient.message}` };
  }
}
