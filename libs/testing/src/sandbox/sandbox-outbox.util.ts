import type { PortalHandle } from './sandbox.fixture';
import type { OutboxMessage } from './sandbox.types';

/** The SMS and email messages the portal "sent" to `to`, oldest first. */
export async function outboxTo(portal: PortalHandle, to: string): Promise<OutboxMessage[]> {
  const { messages } = await portal.control<{ messages: OutboxMessage[] }>(
    'GET',
    `outbox?to=${encodeURIComponent(to)}`,
  );
  return messages;
}

export interface OutboxCodeRequest {
  /** Phone number or email address. */
  readonly to: string;
  /** Only messages sent at or after this time. */
  readonly since: Date;
  /** Default 15 s. */
  readonly timeoutMs?: number;
  /** Default 200 ms. */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/** Thrown by `waitForOutboxCode` when no code arrived in time. */
export class OutboxCodeTimeoutError extends Error {
  constructor(to: string, timeoutMs: number) {
    super(`no code was sent to ${to} within ${timeoutMs} ms`);
    this.name = 'OutboxCodeTimeoutError';
  }
}

/**
 * The code of the newest message sent to `to` since `since`, polling the portal's outbox until one
 * arrives (what an MFA relay does with a real SMS provider); `OutboxCodeTimeoutError` after
 * `timeoutMs`.
 */
export async function waitForOutboxCode(portal: PortalHandle, request: OutboxCodeRequest): Promise<string> {
  const timeoutMs = request.timeoutMs ?? 15_000;
  const intervalMs = request.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  const query = `outbox?to=${encodeURIComponent(request.to)}&since=${request.since.getTime()}`;
  for (;;) {
    request.signal?.throwIfAborted();
    const { messages } = await portal.control<{ messages: OutboxMessage[] }>('GET', query);
    const newest = messages.filter((m) => m.code !== null).at(-1);
    if (newest?.code) return newest.code;
    if (Date.now() + intervalMs > deadline) throw new OutboxCodeTimeoutError(request.to, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
