import type { KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { AddressPolicy } from '../egress/address.policy';
import { EgressError } from '../egress/egress.error';
import { guardedConnector, type Resolver } from '../egress/guarded-connector';
import {
  DELIVERY_USER_AGENT,
  RESPONSE_DRAIN_LIMIT_BYTES,
  RESPONSE_EXCERPT_BYTES,
} from './delivery.constants';
import { parseRetryAfter, type AttemptResult } from './retry.policy';
import { signatureHeader } from './signature.util';

export interface WebhookRequest {
  url: string;
  /** `webhook-id`: the message id, the same on every attempt. */
  messageId: string;
  body: string;
  /** HMAC keys of every secret that signs (current first). */
  keys: readonly KeyObject[];
}

export interface WebhookClientOptions {
  policy: AddressPolicy;
  resolver?: Resolver;
  /** Whole attempt: connect, send, response headers and body. */
  timeoutMs: number;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** True when `error` (or a cause of it) is the SSRF refusal of the connector. */
function egressRefusal(error: unknown): EgressError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof EgressError) return e;
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${code ? `${code} ` : ''}${error.message}${cause}`.slice(0, 1_000);
}

/** Keeps the first KiB of the body and drains the rest (so the connection is reused), up to a limit. */
async function readExcerpt(body: Readable): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (keptBytes < RESPONSE_EXCERPT_BYTES) {
      const part = chunk.subarray(0, RESPONSE_EXCERPT_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    if (total > RESPONSE_DRAIN_LIMIT_BYTES) {
      body.destroy();
      break;
    }
  }
  // A multi-byte character cut at the KiB boundary decodes to U+FFFD: harmless in an excerpt.
  return Buffer.concat(kept).toString('utf8');
}

/**
 * The HTTP side of delivery: one keep-alive undici Agent whose connector enforces the address policy
 * at connect time. Redirects are never followed (undici's request does not follow them), so a 3xx is a
 * failed attempt. Never throws: every outcome is an AttemptResult.
 */
export class WebhookClient {
  private readonly agent: Agent;

  constructor(private readonly options: WebhookClientOptions) {
    this.agent = new Agent({
      connect: guardedConnector({
        policy: options.policy,
        ...(options.resolver ? { resolver: options.resolver } : {}),
        timeoutMs: options.timeoutMs,
      }),
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 300_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(req: WebhookRequest, now: number = Date.now()): Promise<AttemptResult> {
    const timestamp = Math.floor(now / 1_000);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      const response = await request(req.url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': DELIVERY_USER_AGENT,
          'webhook-id': req.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(req.keys, req.messageId, timestamp, req.body),
        },
        body: req.body,
      });
      const excerpt = await readExcerpt(response.body);
      const status = response.statusCode;
      const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']));
      return {
        outcome: status >= 200 && status < 300 ? 'succeeded' : 'failed',
        statusCode: status,
        durationMs: elapsed(),
        responseExcerpt: excerpt.length > 0 ? excerpt : null,
        error: null,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        abort: headerValue(response.headers['webhook-delivery'])?.trim().toLowerCase() === 'abort-message',
      };
    } catch (error) {
      const refusal = egressRefusal(error);
      const base = { statusCode: null, durationMs: elapsed(), responseExcerpt: null, abort: false } as const;
      if (refusal) return { ...base, outcome: 'refused', error: refusal.message };
      if (controller.signal.aborted) {
        return {
          ...base,
          outcome: 'timeout',
          error: `no complete response within ${this.options.timeoutMs} ms`,
        };
      }
      return { ...base, outcome: 'network_error', error: describeError(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for running requests, then closes the connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Aborts running requests and closes the connections (shutdown after its grace period). */
  async destroy(): Promise<void> {
    await this.agent.destroy();
  }
}
