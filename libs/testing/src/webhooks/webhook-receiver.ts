import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver answers to one request. */
export interface ScriptedResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (the sender times out); the connection is closed when the receiver closes. */
  hang?: boolean;
}

/** A fixed response, or one computed from the delivery (e.g. by its event or attempt). */
export type Responder =
  ScriptedResponse | ((delivery: ReceivedDelivery) => ScriptedResponse | Promise<ScriptedResponse>);

/** One request the receiver got, verified with the official `standardwebhooks` package. */
export interface ReceivedDelivery {
  readonly path: string;
  readonly receivedAt: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, byte for byte as sent (what the signature covers). */
  readonly body: string;
  readonly webhookId: string | undefined;
  readonly timestamp: number | undefined;
  /** The `v1,<sig>` entries of `webhook-signature`. */
  readonly signatures: readonly string[];
  /** The parsed JSON body (undefined when it is not JSON). */
  readonly event: unknown;
  /** Verified with at least one of the path's secrets (false when none is set). */
  readonly verified: boolean;
  /** The secrets (of those set for the path) that verify it. */
  readonly verifiedWith: readonly string[];
  readonly verificationError: string | undefined;
  /** The status the receiver answered (undefined while it hangs or delays). */
  responseStatus: number | undefined;
}

export interface WebhookReceiverOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /**
   * Keep each delivery's body and parsed event (default true). Load tests turn it off and read what
   * they need in `onDelivery`; the recorded deliveries then keep headers and verification only.
   */
  keepBodies?: boolean;
  /** Called with every delivery (body included) once it is verified, before it is answered. */
  onDelivery?: (delivery: ReceivedDelivery) => void;
}

export interface WebhookReceiver {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  url(path?: string): string;
  /** The secrets deliveries to `path` are verified with (a delivery verifies when any one does). */
  setSecrets(path: string, secrets: readonly string[]): void;
  /** How `path` answers from now on (after any queued one-shot responses). Default: 200. */
  respond(path: string, responder: Responder): void;
  /** One-shot responses for the next requests to `path`, in order. */
  enqueue(path: string, ...responses: ScriptedResponse[]): void;
  /** Every delivery so far, or those to `path`. */
  deliveries(path?: string): ReceivedDelivery[];
  /** How many deliveries so far (to `path`, when given), without copying them. */
  count(path?: string): number;
  /** Polls until `predicate` holds for the deliveries (of `path`, when given); rejects after `timeoutMs`. */
  waitFor(
    predicate: (deliveries: ReceivedDelivery[]) => boolean,
    options?: { path?: string; timeoutMs?: number },
  ): Promise<ReceivedDelivery[]>;
  /** Forgets recorded deliveries (scripts and secrets stay). */
  clear(): void;
  close(): Promise<void>;
}

/** Verifies a delivery with `secret` through `standardwebhooks` (throws WebhookVerificationError). */
export function verifyDelivery(
  secret: string,
  delivery: Pick<ReceivedDelivery, 'body' | 'headers'>,
): unknown {
  return new Webhook(secret).verify(delivery.body, {
    'webhook-id': delivery.headers['webhook-id'] ?? '',
    'webhook-timestamp': delivery.headers['webhook-timestamp'] ?? '',
    'webhook-signature': delivery.headers['webhook-signature'] ?? '',
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A Standard Webhooks receiver for specs, demos and benchmarks: a local HTTP server that records every
 * request, verifies it with the official `standardwebhooks` package against the secrets set for its
 * path, and answers as scripted per path (status, headers such as `Retry-After` or
 * `webhook-delivery: abort-message`, a delay, or no answer at all).
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const host = options.host ?? '127.0.0.1';
  const keepBodies = options.keepBodies ?? true;
  const received: ReceivedDelivery[] = [];
  const secrets = new Map<string, readonly string[]>();
  const defaults = new Map<string, Responder>();
  const queued = new Map<string, ScriptedResponse[]>();
  const hanging = new Set<ServerResponse>();

  const record = (req: IncomingMessage, body: string): ReceivedDelivery => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const headers = flatHeaders(req);
    const verifiedWith: string[] = [];
    let verificationError: string | undefined;
    for (const secret of secrets.get(path) ?? []) {
      try {
        verifyDelivery(secret, { body, headers });
        verifiedWith.push(secret);
      } catch (error) {
        verificationError = error instanceof Error ? error.message : String(error);
      }
    }
    const timestamp = headers['webhook-timestamp'];
    const full: ReceivedDelivery = {
      path,
      receivedAt: Date.now(),
      headers,
      body,
      webhookId: headers['webhook-id'],
      timestamp: timestamp === undefined ? undefined : Number(timestamp),
      signatures: (headers['webhook-signature'] ?? '').split(' ').filter((s) => s.length > 0),
      event: parseJson(body),
      verified: verifiedWith.length > 0,
      verifiedWith,
      verificationError:
        verifiedWith.length > 0 ? undefined : (verificationError ?? 'no secret set for the path'),
      responseStatus: undefined,
    };
    options.onDelivery?.(full);
    const delivery = keepBodies ? full : { ...full, body: '', event: undefined };
    received.push(delivery);
    return delivery;
  };

  const answer = async (delivery: ReceivedDelivery, res: ServerResponse): Promise<void> => {
    const next = queued.get(delivery.path)?.shift();
    const responder = next ?? defaults.get(delivery.path) ?? {};
    const response = typeof responder === 'function' ? await responder(delivery) : responder;
    if (response.hang) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (response.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    if (res.destroyed) return;
    const status = response.status ?? 200;
    delivery.responseStatus = status;
    res.writeHead(status, { 'content-type': 'text/plain', ...response.headers });
    res.end(response.body ?? '');
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery = record(req, Buffer.concat(chunks).toString('utf8'));
      answer(delivery, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const select = (path?: string): ReceivedDelivery[] =>
    path === undefined ? [...received] : received.filter((d) => d.path === path);

  return {
    port,
    origin,
    url: (path = '/') => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    setSecrets: (path, list) => secrets.set(path, [...list]),
    respond: (path, responder) => defaults.set(path, responder),
    enqueue: (path, ...responses) => queued.set(path, [...(queued.get(path) ?? []), ...responses]),
    deliveries: select,
    count: (path) =>
      path === undefined ? received.length : received.reduce((n, d) => (d.path === path ? n + 1 : n), 0),
    async waitFor(predicate, { path, timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = select(path);
        if (predicate(current)) return current;
        if (Date.now() > deadline) {
          throw new Error(
            `webhook receiver: condition not met within ${timeoutMs} ms (${current.length} deliveries${path ? ` to ${path}` : ''})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    clear: () => {
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
