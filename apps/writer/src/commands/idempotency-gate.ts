import type { Command, CommandResult } from '@fieldsync/canonical-model';
import { sleep } from '@fieldsync/platform';
import type { Logger } from 'pino';
import type { HeldKey, IdempotencyRepository } from '../idempotency/idempotency.repository';
import { replayOf, requestFingerprint } from './command-intake.util';
import { errorResult } from './command-results.util';
import { mayBook } from './conflict-check';
import type { Disposition, WriterOptions } from './writer.types';
import type { WriterMetrics } from './writer.metrics';

/** Waits `ms`, or less when `signal` aborts (the caller checks the signal afterwards). */
const pause = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, signal).catch(() => undefined);

/**
 * The first rule (DESIGN "Exactly-once effects on vendors"): the idempotency key and the request's
 * fingerprint are recorded before anything touches the vendor. A completed key answers its stored result
 * (`replayed` for another command under it); another request under the key is `idempotency_key_reused`;
 * a key in flight is waited for (WRITER_IN_FLIGHT_WAIT), then our own command is redelivered later and
 * another one answered `idempotency_key_in_flight`.
 */
export class IdempotencyGate {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly publishResult: (tenantId: string, result: CommandResult) => Promise<void>,
    private readonly metrics: WriterMetrics,
    private readonly options: WriterOptions,
    private readonly now: () => Date,
  ) {}

  async enter(
    command: Command,
    log: Logger,
    signal: AbortSignal,
  ): Promise<{ kind: 'held'; held: HeldKey } | { kind: 'done'; disposition: Disposition }> {
    const deadline = Date.now() + this.options.inFlightWaitMs;
    const requestHash = requestFingerprint(command);
    for (;;) {
      const begin = await this.keys.begin({
        tenantId: command.tenantId,
        key: command.idempotencyKey,
        commandId: command.commandId,
        connectionId: command.connectionId,
        type: command.type,
        requestHash,
        workerId: this.options.workerId,
        leaseMs: this.options.leaseMs,
        ttlMs: this.options.idempotencyTtlMs,
        // A command with a calendar to check first starts at `started` (a crash before its vendor call
        // checks again); any other one at `vendor_call_started` (one commit less: see BeginInput).
        initialPoint: mayBook(command) ? 'started' : 'vendor_call_started',
        // Its `commands` row, in the same write as the key.
        command,
      });
      switch (begin.kind) {
        case 'execute':
          return { kind: 'held', held: begin.held };
        case 'reused':
          return this.answer(
            command,
            errorResult(
              command,
              this.now(),
              'idempotency_key_reused',
              'this idempotency key was used with a different request; use a new key for a new request',
              'idempotencyKey',
            ),
          );
        case 'replay': {
          // The same command redelivered after its result was stored (a crash before the ack): the same
          // result again (JetStream drops the duplicate publish). Another command with the key: replayed.
          const result =
            begin.commandId === command.commandId ? begin.result : replayOf(begin.result, command);
          await this.publishResult(command.tenantId, result);
          this.metrics.replayed(command.type);
          log.info({ original: begin.commandId }, 'idempotency key completed: stored result returned');
          return { kind: 'done', disposition: { kind: 'ack' } };
        }
        case 'busy': {
          if (Date.now() < deadline && !signal.aborted) {
            await pause(Math.min(250, Math.max(10, deadline - Date.now())), signal);
            continue;
          }
          if (begin.commandId === command.commandId || signal.aborted) {
            // Our own command, still held by a live execution (ours elsewhere, or a crashed one whose lease
            // has not run out): come back when the lease would have expired.
            return {
              kind: 'done',
              disposition: {
                kind: 'nak',
                delayMs: this.options.leaseMs,
                reason: 'idempotency key in flight',
              },
            };
          }
          return this.answer(
            command,
            errorResult(
              command,
              this.now(),
              'idempotency_key_in_flight',
              `a request with this idempotency key is still executing (${begin.commandId ?? 'another command'}); retry later`,
              'idempotencyKey',
            ),
          );
        }
      }
    }
  }

  private async answer(
    command: Command,
    result: CommandResult,
  ): Promise<{ kind: 'done'; disposition: Disposition }> {
    await this.publishResult(command.tenantId, result);
    this.metrics.completed(null, command.type, 'rejected', 0, 0);
    return { kind: 'done', disposition: { kind: 'ack' } };
  }
}
