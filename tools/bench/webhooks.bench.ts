/*
 * The webhook dispatcher as a process (default delivery settings) delivering to a loopback Standard
 * Webhooks receiver that verifies every request with the official `standardwebhooks` package:
 * 1. The ceiling: raw POSTs of the same signed body by the same HTTP client (undici, keep-alive) to the
 *    same receiver, with as many requests in flight as the dispatcher may have for these endpoints.
 * 2. Deliveries/s: a backlog of events published at once, fanned out to every endpoint, until the last
 *    (event, endpoint) pair has arrived. Latency: publish to first attempt under that backlog.
 * 3. Event → first attempt at a steady rate (the dispatcher keeps up): p50/p99.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventSubject, JetStreamPublisher, StreamKinds, streamName } from '@fieldsync/messaging';
import { createDatabase, TenantRepository } from '@fieldsync/persistence';
import {
  freePort,
  spawnService,
  startWebhookReceiver,
  uniqueStreamPrefix,
  type SpawnedService,
  type WebhookReceiver,
} from '@fieldsync/testing';
import type { ChangeEvent } from '@fieldsync/canonical-model';
import { check, type BenchResult } from './bench.types';
import { distinctEvents, jobStatusChange } from './fixtures.util';
import { ratePerSec, summarize } from './stats.util';

export interface WebhooksBenchOptions {
  /** The run's scratch database (migrated). */
  databaseUrl: string;
  natsUrl: string;
  nc: NatsConnection;
  /** Events of the backlog run (each goes to every endpoint). */
  backlogEvents: number;
  endpoints: number;
  /** Events of the steady run, published at `steadyRatePerSec`. */
  steadyEvents: number;
  steadyRatePerSec: number;
  runTimeoutMs: number;
  log: (line: string) => void;
  /** Extra environment of the dispatcher process (e.g. NODE_OPTIONS=--cpu-prof to profile it). */
  dispatcherEnv?: Record<string, string>;
}

const TENANT = 'ten_benchwh';
/** The dispatcher's defaults (WEBHOOK_MAX_CONCURRENCY, WEBHOOK_ENDPOINT_CONCURRENCY). */
const MAX_CONCURRENCY = 64;
const ENDPOINT_CONCURRENCY = 8;
/** Receiver path of the raw POSTs (kept out of the dispatcher's arrivals). */
const RAW_PATH = '/raw';

interface Arrivals {
  /** `${path} ${eventId}` → first arrival (performance.now()) and the webhook-ids seen. */
  readonly first: Map<string, number>;
  readonly ids: Map<string, Set<string>>;
  unverified: number;
  total: number;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline)
      throw new Error(`webhooks bench: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function waitReady(port: number, service: SpawnedService, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`webhook-dispatcher not ready:\n${service.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The baseline: raw signed POSTs of one body with at most `inFlight` at a time, by the same HTTP client
 * (undici keep-alive) from a process of its own (raw-webhook-client.mjs), as the dispatcher is one: the
 * receiver keeps this process's event loop to itself in both measurements. `warmup` POSTs go first,
 * untimed (connections, JIT), as the dispatcher has warmed up on its endpoints before its backlog.
 */
async function rawPosts(
  url: string,
  body: string,
  secret: string,
  count: number,
  inFlight: number,
  warmup: number,
): Promise<{ wallMs: number; latencies: Float64Array; failed: number }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'raw-webhook-client.mjs')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  child.stdin.end(JSON.stringify({ url, body, secret, count, inFlight, warmup }));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`the raw webhook client exited with ${String(code)}: ${err.slice(-2_000)}`);
  const result = JSON.parse(out) as { wallMs: number; failed: number; latencies: number[] };
  return { wallMs: result.wallMs, failed: result.failed, latencies: Float64Array.from(result.latencies) };
}

export async function benchWebhooks(o: WebhooksBenchOptions): Promise<BenchResult[]> {
  const prefix = uniqueStreamPrefix('benchwh');
  const paths = Array.from({ length: o.endpoints }, (_, i) => `/ep${i + 1}`);
  const arrivals: Arrivals = { first: new Map(), ids: new Map(), unverified: 0, total: 0 };
  const receiver: WebhookReceiver = await startWebhookReceiver({
    keepBodies: false,
    onDelivery: (d) => {
      if (d.path === RAW_PATH) return;
      arrivals.total++;
      if (!d.verified) arrivals.unverified++;
      const key = `${d.path} ${(d.event as { id?: string } | undefined)?.id ?? ''}`;
      if (!arrivals.first.has(key)) arrivals.first.set(key, performance.now());
      const ids = arrivals.ids.get(key) ?? new Set<string>();
      ids.add(d.webhookId ?? '');
      arrivals.ids.set(key, ids);
    },
  });
  const db = createDatabase({ url: o.databaseUrl, poolMax: 2, applicationName: 'fieldsync-bench' });
  let dispatcher: SpawnedService | undefined;
  try {
    await new TenantRepository(db).create({ id: TENANT, name: 'Bench webhooks' });
    const port = await freePort();
    dispatcher = spawnService('webhook-dispatcher', {
      DATABASE_URL: o.databaseUrl,
      NATS_URL: o.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_VAULT_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      WEBHOOK_ALLOW_HTTP: 'true',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...o.dispatcherEnv,
    });
    await waitReady(port, dispatcher, 60_000);
    const secrets: string[] = [];
    for (const path of paths) {
      const res = await fetch(`http://127.0.0.1:${port}/tenants/${TENANT}/endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url(path) }),
      });
      const created = (await res.json()) as { secret?: string };
      if (res.status !== 201 || !created.secret) throw new Error(`creating an endpoint: ${res.status}`);
      receiver.setSecrets(path, [created.secret]);
      secrets.push(created.secret);
    }
    const inFlight = Math.min(MAX_CONCURRENCY, o.endpoints * ENDPOINT_CONCURRENCY);
    const { event: template } = jobStatusChange('con_benchwh', TENANT);
    const publisher = new JetStreamPublisher({ nc: o.nc, prefix });
    const subject = eventSubject({
      tenantId: TENANT,
      vendor: template.vendor,
      entity: 'job',
      action: 'status_changed',
    });
    const publish = (event: ChangeEvent) =>
      publisher.publish(subject, event, { msgId: event.id, tenantId: TENANT, expectStream: 'events' });
    const results: BenchResult[] = [];

    // 1. the ceiling: the same body, signed, by the same client, to the same receiver
    const rawCount = o.backlogEvents * o.endpoints;
    const rawWarmup = Math.min(1_000, rawCount);
    o.log(
      `raw POST ×${rawCount} (${inFlight} in flight, after ${rawWarmup} untimed) from a process of its own to the loopback receiver`,
    );
    receiver.setSecrets(RAW_PATH, [secrets[0] ?? '']);
    const raw = await rawPosts(
      receiver.url(RAW_PATH),
      JSON.stringify(template),
      secrets[0] ?? '',
      rawCount,
      inFlight,
      rawWarmup,
    );
    results.push({
      id: 'webhooks.post.raw',
      group: 'webhooks',
      title: `raw signed POST, undici keep-alive, ${inFlight} in flight, from a process of its own after a warm-up`,
      unit: 'msgs',
      count: rawCount,
      wallMs: Math.round(raw.wallMs),
      ratePerSec: ratePerSec(rawCount, raw.wallMs),
      latencyMs: summarize(raw.latencies, 'request to response body read'),
      params: { inFlight, warmup: rawWarmup, bodyBytes: Buffer.byteLength(JSON.stringify(template)) },
      checks: [
        check(raw.failed === 0, 'every POST answered 200', `${raw.failed} failed`),
        check(
          receiver.count(RAW_PATH) === rawCount + rawWarmup,
          'the receiver recorded every POST (the warm-up included)',
        ),
      ],
    });

    // 2. deliveries/s from a backlog
    const backlog = distinctEvents(template, o.backlogEvents);
    const pairs = o.backlogEvents * o.endpoints;
    o.log(`backlog: ${o.backlogEvents} events × ${o.endpoints} endpoints through the dispatcher`);
    const publishedAt = new Map<string, number>();
    const b0 = performance.now();
    for (let i = 0; i < backlog.length; i += 500) {
      const slice = backlog.slice(i, i + 500);
      for (const e of slice) publishedAt.set(e.id, performance.now());
      await Promise.all(slice.map(publish));
    }
    await waitUntil(() => arrivals.first.size === pairs, o.runTimeoutMs, `${pairs} backlog deliveries`).catch(
      (error: unknown) => {
        throw new Error(
          `${String(error)} (${arrivals.first.size} arrived, ${arrivals.total} requests)\n${dispatcher?.output().slice(-3_000) ?? ''}`,
        );
      },
    );
    const backlogWall = performance.now() - b0;
    const backlogLatency = new Float64Array(pairs);
    let n = 0;
    for (const e of backlog) {
      for (const path of paths) {
        backlogLatency[n++] = (arrivals.first.get(`${path} ${e.id}`) ?? NaN) - (publishedAt.get(e.id) ?? NaN);
      }
    }
    const stable = [...arrivals.ids.values()].every((ids) => ids.size === 1);
    results.push({
      id: 'webhooks.deliver.backlog',
      group: 'webhooks',
      title: `dispatcher deliveries, ${o.backlogEvents} events published at once to ${o.endpoints} endpoints`,
      unit: 'msgs',
      count: pairs,
      wallMs: Math.round(backlogWall),
      ratePerSec: ratePerSec(pairs, backlogWall),
      latencyMs: summarize(backlogLatency, 'publish to first attempt, under the backlog'),
      params: {
        endpoints: o.endpoints,
        maxConcurrency: MAX_CONCURRENCY,
        endpointConcurrency: ENDPOINT_CONCURRENCY,
      },
      checks: [
        check(
          backlogLatency.every((v) => Number.isFinite(v) && v >= 0),
          'every (event, endpoint) pair arrived',
        ),
        check(
          arrivals.unverified === 0,
          'every delivery verified with standardwebhooks',
          `${arrivals.unverified} did not`,
        ),
        check(stable, 'one webhook-id per (event, endpoint), across repeats'),
      ],
    });

    // 3. event → first attempt at a steady rate
    o.log(`steady: ${o.steadyEvents} events at ${o.steadyRatePerSec}/s`);
    const steady = distinctEvents(template, o.steadyEvents);
    const gapMs = 1_000 / o.steadyRatePerSec;
    const s0 = performance.now();
    const pending: Promise<unknown>[] = [];
    for (const [i, e] of steady.entries()) {
      const due = s0 + i * gapMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      publishedAt.set(e.id, performance.now());
      pending.push(publish(e));
    }
    await Promise.all(pending);
    const steadyPairs = o.steadyEvents * o.endpoints;
    await waitUntil(() => arrivals.first.size === pairs + steadyPairs, o.runTimeoutMs, 'steady deliveries');
    const steadyWall = performance.now() - s0;
    const steadyLatency = new Float64Array(steadyPairs);
    n = 0;
    for (const e of steady) {
      for (const path of paths) {
        steadyLatency[n++] = (arrivals.first.get(`${path} ${e.id}`) ?? NaN) - (publishedAt.get(e.id) ?? NaN);
      }
    }
    results.push({
      id: 'webhooks.deliver.steady',
      group: 'webhooks',
      title: `event → first attempt, ${o.steadyRatePerSec} events/s to ${o.endpoints} endpoints`,
      unit: 'msgs',
      count: steadyPairs,
      wallMs: Math.round(steadyWall),
      ratePerSec: ratePerSec(steadyPairs, steadyWall),
      latencyMs: summarize(steadyLatency, 'publish to first attempt at the receiver'),
      params: { eventsPerSec: o.steadyRatePerSec, endpoints: o.endpoints },
      checks: [
        check(
          steadyLatency.every((v) => Number.isFinite(v) && v >= 0),
          'every (event, endpoint) pair arrived',
        ),
        check(arrivals.unverified === 0, 'every delivery verified with standardwebhooks'),
      ],
    });
    return results;
  } finally {
    if (dispatcher) await dispatcher.stop('SIGTERM');
    await receiver.close();
    await db.destroy();
    const jsm = await jetstreamManager(o.nc);
    for (const kind of StreamKinds) await jsm.streams.delete(streamName(kind, prefix)).catch(() => false);
  }
}
