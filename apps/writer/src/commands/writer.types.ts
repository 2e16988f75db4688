import type { ResultErrorCode } from '@fieldsync/canonical-model';
import type { CapturedSession } from '@fieldsync/connector-kit';

/** The writer's way to vendor sessions (the SessionClient satisfies it). */
export interface WriterSessionSource {
  acquire(connectionId: string): Promise<{ session: CapturedSession; sessionVersion: number }>;
  invalidate(
    connectionId: string,
    reason: 'unauthorized' | 'forbidden',
    sessionVersion?: number,
  ): Promise<unknown>;
}

export interface WriterOptions {
  readonly workerId: string;
  readonly idempotencyTtlMs: number;
  readonly inFlightWaitMs: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly maxRetryAfterMs: number;
  readonly vendorTimeoutMs: number;
  /** Test-only: probability of a SIGKILL right after the vendor accepted a write. */
  readonly crashAfterVendorWrite: number;
}

/** What the consumer does with the message once a command is handled. */
export type Disposition =
  /** Done (a result was published, or another writer owns the key): ack. */
  | { readonly kind: 'ack' }
  /** Try again later: nak with this delay (Retry-After, a busy key of the same command, a shutdown). */
  | { readonly kind: 'nak'; readonly delayMs: number; readonly reason: string }
  /** Given up on a transient failure: the `failed` result is published; copy the command to FSM_DLQ. */
  | { readonly kind: 'dead_letter'; readonly reason: string };

/** A failure that ends this delivery without a final result: nak, or fail + dead-letter after the last try. */
export class TransientFailure extends Error {
  override readonly name = 'TransientFailure';
  constructor(
    readonly code: ResultErrorCode,
    message: string,
    /** Set when the vendor asked for a wait (429): nak with it instead of failing. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
