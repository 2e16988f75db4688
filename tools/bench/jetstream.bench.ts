import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { jetstreamManager, type JetStreamManager, type JsMsg, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  eventSubject,
  eventsFilter,
  JetStreamPublisher,
  JetStreamServer,
  streamName,
  type JetStreamContext,
} from '@fieldsync/messaging';
import type { ChangeEvent } from '@fieldsync/canonical-model';
import pino from 'pino';
import { check, type BenchResult } from './bench.types';
import { BENCH_VENDOR, distinctEvents, jobStatusChange, jsonBytes } from './fixtures.util';
import { ratePerSec, summarize } from './stats.util';

export interface JetStreamBenchOptions {
  nc: NatsConnection;
  natsUrl: string;
  /** Stream prefix of this run (its four streams were provisioned by the caller). */
  prefix: string;
  /** Messages per publish run at the large windows. */
  messages: number;
  /** Republished ids for the duplicate-drop run. */
  duplicates: number;
  /** Messages of the sequential (window 1) run. */
  sequentialMessages: number;
  consumeConcurrency: number;
  /** Upper bound of each run; past it the run fails instead of hanging. */
  runTimeoutMs: number;
  log: (line: string) => void;
}

interface PublishItem {
  readonly subject: string;
  readonly event: ChangeEvent;
}

interface PublishRun {
  readonly acks: PubAck[];
  readonly latencies: Float64Array;
  readonly wallMs: number;
}

/** Publishes every item with at most `window` publishes awaiting their PubAck at any time. */
async function publishWindowed(
  publisher: JetStreamPublisher,
  items: readonly PublishItem[],
  window: number,
  timeoutMs: number,
): Promise<PublishRun> {
  const acks = new Array<PubAck>(items.length);
  const latencies = new Float64Array(items.length);
  const deadline = performance.now() + timeoutMs;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const item = items[i];
      if (item === undefined) return;
      if (performance.now() > deadline) throw new Error(`publish run exceeded ${timeoutMs} ms`);
      const t0 = performance.now();
      acks[i] = await publisher.publish(item.subject, item.event, {
        msgId: item.event.id,
        tenantId: item.event.tenantid,
        connectionId: item.event.connectionid,
      });
      latencies[i] = performance.now() - t0;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, worker));
  return { acks, latencies, wallMs: performance.now() - started };
}

async function streamState(
  jsm: JetStreamManager,
  stream: string,
): Promise<{ messages: number; lastSeq: number }> {
  const info = await jsm.streams.info(stream);
  return { messages: info.state.messages, lastSeq: info.state.last_seq };
}

function publishItems(tenantId: string, count: number): { items: PublishItem[]; bytes: number } {
  const { event } = jobStatusChange('con_bench1', tenantId);
  const subject = eventSubject({ tenantId, vendor: BENCH_VENDOR, entity: 'job', action: 'status_changed' });
  return { items: distinctEvents(event, count).map((e) => ({ subject, event: e })), bytes: jsonBytes(event) };
}

/** 1. JetStream publish (three windows) and the duplicate-drop path. Returns the ids published per tenant. */
export async function benchPublish(o: JetStreamBenchOptions): Promise<BenchResult[]> {
  const jsm = await jetstreamManager(o.nc);
  const stream = streamName('events', o.prefix);
  const publisher = new JetStreamPublisher({ nc: o.nc, prefix: o.prefix });
  const results: BenchResult[] = [];
  const runs: { window: number; count: number }[] = [
    { window: 1, count: o.sequentialMessages },
    { window: 100, count: o.messages },
    { window: 1000, count: o.messages },
  ];
  let dupSource: PublishItem[] = [];
  for (const { window, count } of runs) {
    const { items, bytes } = publishItems(`ten_w${window}`, count);
    // Warm-up outside the measurement (JIT, first subject interest): its messages count in the stream.
    const warm = publishItems(`ten_warm${window}`, 200);
    await publishWindowed(publisher, warm.items, window, o.runTimeoutMs);
    const before = await streamState(jsm, stream);
    const run = await publishWindowed(publisher, items, window, o.runTimeoutMs);
    const after = await streamState(jsm, stream);
    const seqs = new Set(run.acks.map((a) => a.seq));
    const checks = [
      check(
        run.acks.every((a) => a.duplicate === false),
        'every PubAck has duplicate=false',
      ),
      check(
        run.acks.every((a) => a.stream === stream),
        `every PubAck names ${stream}`,
      ),
      check(seqs.size === count, 'every PubAck has its own stream sequence', `${seqs.size} of ${count}`),
      check(
        after.messages - before.messages === count,
        'stream message count grew by exactly the count',
        `${after.messages - before.messages} != ${count}`,
      ),
    ];
    o.log(`publish window ${window}: ${count} in ${run.wallMs.toFixed(0)} ms`);
    results.push({
      id: `jetstream.publish.w${window}`,
      group: 'jetstream',
      title: `JetStreamPublisher.publish → FSM_EVENTS, window ${window}`,
      unit: 'msgs',
      count,
      wallMs: Math.round(run.wallMs),
      ratePerSec: ratePerSec(count, run.wallMs),
      latencyMs: summarize(run.latencies, 'publish() call to PubAck'),
      params: { window, payloadBytes: bytes, storage: 'file', msgId: true },
      checks,
    });
    if (window === 1000) dupSource = items.slice(0, o.duplicates);
  }

  // Duplicate drop: the same ids again, inside the duplicate window.
  const before = await streamState(jsm, stream);
  const dup = await publishWindowed(publisher, dupSource, 1000, o.runTimeoutMs);
  const after = await streamState(jsm, stream);
  const checks = [
    check(
      dup.acks.every((a) => a.duplicate === true),
      'every PubAck has duplicate=true',
    ),
    check(
      after.messages === before.messages && after.lastSeq === before.lastSeq,
      'stream message count and last sequence unchanged',
      `${before.messages}/${before.lastSeq} → ${after.messages}/${after.lastSeq}`,
    ),
  ];
  o.log(`duplicate republish: ${dupSource.length} in ${dup.wallMs.toFixed(0)} ms`);
  results.push({
    id: 'jetstream.publish.duplicate',
    group: 'jetstream',
    title: 'Republish of already stored Nats-Msg-Ids (dropped), window 1000',
    unit: 'msgs',
    count: dupSource.length,
    wallMs: Math.round(dup.wallMs),
    ratePerSec: ratePerSec(dupSource.length, dup.wallMs),
    latencyMs: summarize(dup.latencies, 'publish() call to PubAck (duplicate)'),
    params: { window: 1000 },
    checks,
  });
  return results;
}

/** Where the bench handler reports; swapped for each consume run. */
interface ConsumeSink {
  expected: number;
  handled: number;
  acked: number;
  redeliveries: number;
  seqs: Set<number>;
  latencies: Float64Array;
  firstAt: number;
  lastAckAt: number;
  done: () => void;
}
let sink: ConsumeSink | undefined;

function recordAck(s: ConsumeSink, t0: number): void {
  const now = performance.now();
  if (s.acked < s.latencies.length) s.latencies[s.acked] = now - t0;
  s.acked++;
  s.lastAckAt = now;
  if (s.acked === s.expected) s.done();
}

/** Times handler entry → ack (confirmed by the server when confirmAck is on) by wrapping this message's ack. */
function instrumentAck(s: ConsumeSink, msg: JsMsg, t0: number): void {
  const ackAck = msg.ackAck.bind(msg);
  msg.ackAck = async (opts) => {
    const ok = await ackAck(opts);
    recordAck(s, t0);
    return ok;
  };
  const ack = msg.ack.bind(msg);
  msg.ack = () => {
    ack();
    recordAck(s, t0);
  };
}

@Controller()
class BenchEventsHandler {
  /** A no-op handler: everything measured is the transport. */
  @EventPattern('fsm.events.>')
  handle(@Payload() _event: unknown, @Ctx() ctx: JetStreamContext): void {
    const s = sink;
    if (!s) return;
    const t0 = performance.now();
    if (s.handled === 0) s.firstAt = t0;
    s.handled++;
    if (ctx.getDeliveryCount() > 1) s.redeliveries++;
    s.seqs.add(ctx.getStreamSequence());
    instrumentAck(s, ctx.getMessage(), t0);
  }
}

@Module({ controllers: [BenchEventsHandler] })
class BenchConsumerModule {}

/** 2. Consume + handle + ack through JetStreamServer (a Nest microservice), for the window-1000 messages. */
export async function benchConsume(o: JetStreamBenchOptions): Promise<BenchResult[]> {
  const jsm = await jetstreamManager(o.nc);
  const stream = streamName('events', o.prefix);
  const filterSubject = eventsFilter({ tenantId: 'ten_w1000' });
  const results: BenchResult[] = [];
  for (const confirmAck of [true, false]) {
    const durable = confirmAck ? 'bench-confirmed' : 'bench-unconfirmed';
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const s: ConsumeSink = {
      expected: o.messages,
      handled: 0,
      acked: 0,
      redeliveries: 0,
      seqs: new Set(),
      latencies: new Float64Array(o.messages),
      firstAt: 0,
      lastAckAt: 0,
      done: resolveDone,
    };
    sink = s;
    const server = new JetStreamServer({
      service: 'bench',
      connection: { servers: o.natsUrl, name: `bench-${durable}`, timeoutMs: 5_000 },
      prefix: o.prefix,
      consumers: [
        {
          stream: 'events',
          durable,
          filterSubject,
          concurrency: o.consumeConcurrency,
          confirmAck,
          ackWaitMs: 30_000,
          pullExpiresMs: 5_000,
        },
      ],
      logger: pino({ level: 'silent' }),
      shutdownTimeoutMs: 10_000,
    });
    const app = await NestFactory.createMicroservice(BenchConsumerModule, {
      strategy: server,
      logger: false,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const started = performance.now();
      await app.listen();
      await Promise.race([
        done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `consume run ${durable}: ${s.acked} of ${s.expected} acked in ${o.runTimeoutMs} ms`,
                ),
              ),
            o.runTimeoutMs,
          );
        }),
      ]);
      const wallMs = s.lastAckAt - started;
      // Let unconfirmed acks land, then the server must agree: nothing pending, nothing redelivered.
      let info = await jsm.consumers.info(stream, durable);
      for (let i = 0; i < 50 && (info.num_ack_pending > 0 || info.num_pending > 0); i++) {
        await new Promise((r) => setTimeout(r, 100));
        info = await jsm.consumers.info(stream, durable);
      }
      const checks = [
        check(
          s.handled === s.expected && s.acked === s.expected,
          'handled and acked exactly the count',
          `${s.handled}/${s.acked}`,
        ),
        check(s.seqs.size === s.expected, 'every stream sequence handled once', `${s.seqs.size} distinct`),
        check(s.redeliveries === 0, 'no redeliveries', String(s.redeliveries)),
        check(
          info.num_ack_pending === 0 && info.num_pending === 0 && info.num_redelivered === 0,
          'consumer info: 0 pending, 0 ack pending, 0 redelivered',
          `${info.num_pending}/${info.num_ack_pending}/${info.num_redelivered}`,
        ),
        check(
          info.delivered.consumer_seq === s.expected,
          'server delivered exactly the count',
          String(info.delivered.consumer_seq),
        ),
      ];
      o.log(`consume ${durable}: ${s.acked} in ${wallMs.toFixed(0)} ms`);
      results.push({
        id: confirmAck ? 'jetstream.consume.confirmed' : 'jetstream.consume.unconfirmed',
        group: 'jetstream',
        title: `JetStreamServer consume + no-op @EventPattern + ${confirmAck ? 'ackAck (default)' : 'ack (confirmAck: false)'}`,
        unit: 'msgs',
        count: s.acked,
        wallMs: Math.round(wallMs),
        ratePerSec: ratePerSec(s.acked, wallMs),
        latencyMs: summarize(
          s.latencies,
          confirmAck ? 'handler entry to ack confirmed by the server' : 'handler entry to ack sent',
        ),
        params: { concurrency: o.consumeConcurrency, confirmAck, maxAckPending: 1000, backlog: s.expected },
        checks,
      });
    } finally {
      clearTimeout(timer);
      await app.close();
      sink = undefined;
      await jsm.consumers.delete(stream, durable).catch(() => undefined);
    }
  }
  return results;
}
