import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { maskDestination } from './mask-destination.util';
import { SANDBOX_OUTBOX_POLL_MS, SANDBOX_OUTBOX_REQUEST_TIMEOUT_MS } from './mfa.constants';
import { MfaRelayError } from './mfa.error';
import type { InboundMfaMessage, MfaChannel } from './mfa.types';

/** The part of the sandbox's `GET /__sandbox/outbox` answer the bridge reads (apps/vendor-sandbox outbox.ts). */
const outboxSchema = z.object({
  messages: z.array(
    z.object({
      id: z.number().int(),
      channel: z.string(),
      to: z.string(),
      body: z.string(),
      sentAt: z.iso.datetime({ offset: true }),
    }),
  ),
});

export interface SandboxOutboxPoll {
  /** Origin of the vendor portal (the sandbox serves the outbox beside the login pages). */
  readonly portalUrl: string;
  readonly channel: MfaChannel;
  /** Normalised destination: the sandbox stores `to` as E.164 / the user's address. */
  readonly destination: string;
  /** Only messages sent at or after this instant. */
  readonly since: Date;
  /** Stops the polling (the wait is over). */
  readonly signal: AbortSignal;
  /** The relay's own ingest: the message goes through the same path as a provider's. */
  readonly ingest: (message: InboundMfaMessage) => Promise<unknown>;
}

/**
 * Development and tests: the vendor sandbox "sends" SMS and e-mail into an outbox instead of a phone.
 * While a login waits, this reads that outbox every ~250 ms and hands each new message to the relay's
 * ingest, so the code reaches the wait exactly as a provider's webhook would. Each sandbox message is
 * ingested once: it is remembered for the length of the wait, and its identity (portal, id, sentAt) is
 * the stored `external_id`, so several waiters or replicas polling the same outbox store it once.
 * Enabled only by FIELDSYNC_MFA_SANDBOX_OUTBOX=true; production never reads a sandbox.
 */
@Injectable()
export class SandboxOutboxBridge {
  private readonly logger = new Logger(SandboxOutboxBridge.name);

  /** Polls until `signal` aborts; never throws (a failing sandbox is logged once per wait). */
  async poll(request: SandboxOutboxPoll): Promise<void> {
    const origin = new URL(request.portalUrl).origin;
    const url = new URL('/__sandbox/outbox', origin);
    url.searchParams.set('to', request.destination);
    url.searchParams.set('since', String(request.since.getTime()));
    const seen = new Set<string>();
    let failureLogged = false;
    while (!request.signal.aborted) {
      try {
        const res = await fetch(url, {
          signal: AbortSignal.any([request.signal, AbortSignal.timeout(SANDBOX_OUTBOX_REQUEST_TIMEOUT_MS)]),
        });
        if (!res.ok) throw new Error(`GET ${url.pathname} answered ${res.status}`);
        const { messages } = outboxSchema.parse(await res.json());
        for (const message of messages) {
          const identity = `sandbox:${origin}:${message.id}:${message.sentAt}`;
          if (message.channel !== request.channel || seen.has(identity)) continue;
          try {
            await request.ingest({
              channel: request.channel,
              to: message.to,
              body: message.body,
              receivedAt: new Date(message.sentAt),
              externalId: identity,
            });
          } catch (error) {
            if (!(error instanceof MfaRelayError)) throw error;
            this.logger.warn(
              { portalUrl: origin, sandboxMessageId: message.id, reason: error.code },
              'skipped a sandbox message without a usable code',
            );
          }
          // Not before: a message whose ingest failed on the database is tried again next round.
          seen.add(identity);
        }
      } catch (error) {
        if (request.signal.aborted) return;
        if (!failureLogged) {
          failureLogged = true;
          // The error names the URL path and the status (or the database failure), never a message body.
          this.logger.warn(
            {
              portalUrl: origin,
              destination: maskDestination(request.channel, request.destination),
              err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
            },
            'cannot read the sandbox outbox; retrying until the wait ends',
          );
        }
      }
      await sleep(SANDBOX_OUTBOX_POLL_MS, undefined, { signal: request.signal }).catch(() => undefined);
    }
  }
}
