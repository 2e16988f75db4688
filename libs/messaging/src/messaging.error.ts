import { RpcException } from '@nestjs/microservices';

export enum MessagingErrorCode {
  InvalidSubjectToken = 'invalid_subject_token',
  SubjectTooLong = 'subject_too_long',
  InvalidConfig = 'invalid_config',
  ConnectFailed = 'connect_failed',
  MissingMsgId = 'missing_msg_id',
  PublishFailed = 'publish_failed',
  Retriable = 'retriable',
  Terminal = 'terminal',
}

/** Errors raised by libs/messaging itself (bad subject, bad config, connection). */
export class MessagingError extends Error {
  override readonly name: string = 'MessagingError';
  constructor(
    readonly code: MessagingErrorCode,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The wire shape a handler failure keeps after Nest's RPC exception filters (`RpcException.getError()`). */
export interface HandlerFailure {
  status: 'error';
  outcome: 'retriable' | 'terminal';
  message: string;
  code?: string;
  delayMs?: number;
}

export function isHandlerFailure(value: unknown): value is HandlerFailure {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v['status'] === 'error' && (v['outcome'] === 'retriable' || v['outcome'] === 'terminal');
}

/**
 * Throw from a handler when a later delivery may succeed (database busy, vendor 503 ...):
 * the message is nak'ed with `delayMs` (or the consumer's exponential backoff) and redelivered.
 * It extends RpcException so that it survives Nest's default RPC exception filter.
 */
export class RetriableError extends RpcException {
  override readonly name: string = 'RetriableError';
  readonly retriable = true;
  constructor(
    message: string,
    readonly options: { delayMs?: number; code?: string; cause?: unknown } = {},
  ) {
    super({
      status: 'error',
      outcome: 'retriable',
      message,
      ...(options.code === undefined ? {} : { code: options.code }),
      ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    } satisfies HandlerFailure);
    this.message = message;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
  get delayMs(): number | undefined {
    return this.options.delayMs;
  }
}

/**
 * Throw from a handler when no redelivery can succeed (malformed payload, unknown command ...):
 * the message is copied to FSM_DLQ with the reason and then terminated.
 */
export class TerminalError extends RpcException {
  override readonly name: string = 'TerminalError';
  readonly retriable = false;
  constructor(
    message: string,
    readonly options: { code?: string; cause?: unknown } = {},
  ) {
    super({
      status: 'error',
      outcome: 'terminal',
      message,
      ...(options.code === undefined ? {} : { code: options.code }),
    } satisfies HandlerFailure);
    this.message = message;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
