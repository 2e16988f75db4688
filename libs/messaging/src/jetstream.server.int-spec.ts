import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Controller, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { expectEventually, getTestServices, uniqueStreamPrefix } from '@fieldsync/testing';
import pino from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { JetStreamContext } from './jetstream.context';
import { JetStreamExceptionFilter } from './jetstream.exception-filter';
import { JetStreamPublisher } from './jetstream.publisher';
import { JetStreamServer, type JetStreamConsumerOptions } from './jetstream.server';
import { StreamKinds } from './messaging.constants';
import { RetriableError, TerminalError } from './messaging.error';
import { connectNats } from './nats.connection';
import { StreamProvisioner } from './stream.provisioner';
import { parseStreamsConfig } from './streams.schema';
import { commandSubject, dlqSubject, streamName, withPrefix } from './subjects';

jest.setTimeout(30_000);
const logger = pino({ level: 'silent' });
const prefix = uniqueStreamPrefix('jsserver');
const cmd = (type: string, connectionId = 'c1'): string =>
  commandSubject({ tenantId: 't1', connectionId, type });

interface Delivery {
  subject: string;
  msgId: string | undefined;
  correlationId: string | undefined;
  deliveries: number;
  at: number;
}
const seen: Delivery[] = [];
const slow = { started: 0, finished: 0, peak: 0, running: 0 };

function record(ctx: JetStreamContext): void {
  seen.push({
    subject: ctx.getSubject(),
    msgId: ctx.getMessageId(),
    correlationId: ctx.getCorrelationId(),
    deliveries: ctx.getDeliveryCount(),
    at: Date.now(),
  });
}

@Controller()
class TestCommandsHandler {
  @EventPattern('fsm.commands.*.*.test.retry')
  async retryOnce(@Payload() _data: unknown, @Ctx() ctx: JetStreamContext): Promise<void> {
    record(ctx);
    if (ctx.getDeliveryCount() === 1) throw new RetriableError('vendor busy', { delayMs: 400 });
  }

  @EventPattern('fsm.commands.*.*.test.fail')
  async alwaysFails(@Payload() _data: unknown, @Ctx() ctx: JetStreamContext): Promise<void> {
    record(ctx);
    throw new Error('database unavailable');
  }

  @EventPattern('fsm.commands.*.*.test.terminal')
  async terminal(@Payload() _data: unknown, @Ctx() ctx: JetStreamContext): Promise<void> {
    record(ctx);
    throw new TerminalError('unknown job');
  }

  @EventPattern('fsm.commands.*.*.test.zod')
  async zod(@Payload() data: unknown, @Ctx() ctx: JetStreamContext): Promise<void> {
    record(ctx);
    z.object({ jobId: z.string() }).parse(data);
  }

  @EventPattern('fsm.commands.*.*.test.slow')
  async slowWork(@Payload() _data: unknown, @Ctx() ctx: JetStreamContext): Promise<void> {
    record(ctx);
    slow.started++;
    slow.running++;
    slow.peak = Math.max(slow.peak, slow.running);
    await new Promise((r) => setTimeout(r, 1_500)); // > ackWait: only working() heartbeats keep it ours
    slow.running--;
    slow.finished++;
  }
}

describe('JetStreamServer (Nest transport, real NATS)', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  let app: INestMicroservice | undefined;
  const registry = new Registry();

  const consumer: JetStreamConsumerOptions = {
    stream: 'commands',
    durable: 'writer-commands',
    filterSubject: 'fsm.commands.>',
    ackWaitMs: 1_000,
    maxDeliver: 3,
    concurrency: 3,
    retryBaseDelayMs: 50,
    pullExpiresMs: 2_000,
  };

  async function startApp(): Promise<INestMicroservice> {
    const moduleRef = await Test.createTestingModule({ controllers: [TestCommandsHandler] }).compile();
    const server = new JetStreamServer({
      service: 'writer',
      connection: { servers: getTestServices().natsUrl, name: 'writer-spec', timeoutMs: 2_000 },
      prefix,
      consumers: [consumer],
      logger,
      registry,
      shutdownTimeoutMs: 10_000,
    });
    const ms = moduleRef.createNestMicroservice({ strategy: server, logger: false });
    ms.useGlobalFilters(new JetStreamExceptionFilter());
    await ms.listen();
    return ms;
  }

  async function dlqMessage(original: string) {
    const msg = await jsm.streams.getMessage(streamName('dlq', prefix), {
      last_by_subj: withPrefix(dlqSubject('writer', original), prefix),
    });
    if (!msg) throw new Error(`no DLQ message for ${original}`);
    return msg;
  }

  beforeAll(async () => {
    nc = await connectNats({ servers: getTestServices().natsUrl, name: 'jsserver-spec' });
    jsm = await jetstreamManager(nc);
    await new StreamProvisioner(nc, parseStreamsConfig({ prefix, duplicateWindowMs: 5_000 })).provision();
    publisher = new JetStreamPublisher({ nc, prefix });
    app = await startApp();
  });

  afterAll(async () => {
    await app?.close();
    for (const k of StreamKinds) await jsm.streams.delete(streamName(k, prefix)).catch(() => undefined);
    await nc.drain();
  });

  it('redelivers a retriable failure no earlier than its delay, and the ack empties the work queue', async () => {
    const subject = cmd('test.retry');
    await publisher.publish(subject, { jobId: 'j1' }, { msgId: 'cmd_retry', correlationId: 'corr-retry' });
    await expectEventually(() => expect(seen.filter((d) => d.msgId === 'cmd_retry')).toHaveLength(2));
    const [first, second] = seen.filter((d) => d.msgId === 'cmd_retry');
    if (!first || !second) throw new Error('expected two deliveries');
    expect(second.at - first.at).toBeGreaterThanOrEqual(400 - 25);
    expect(second).toMatchObject({ deliveries: 2, correlationId: 'corr-retry', subject });
    await expectEventually(async () =>
      expect((await jsm.streams.info(streamName('commands', prefix))).state.messages).toBe(0),
    );
  });

  it('dead-letters a message that keeps failing after max_deliver, with reason and original headers', async () => {
    const subject = cmd('test.fail');
    await publisher.publish(
      subject,
      { jobId: 'j2' },
      { msgId: 'cmd_fail', correlationId: 'corr-fail', tenantId: 't1' },
    );
    const dlq = await expectEventually(() => dlqMessage(subject));
    expect(seen.filter((d) => d.msgId === 'cmd_fail').map((d) => d.deliveries)).toEqual([1, 2, 3]);
    expect(dlq.json()).toEqual({ jobId: 'j2' });
    expect(dlq.header.get('fsm-dlq-reason')).toMatch(/max_deliver \(3\) reached: .*/);
    expect(dlq.header.get('fsm-dlq-deliveries')).toBe('3');
    expect(dlq.header.get('fsm-dlq-stream')).toBe(streamName('commands', prefix));
    expect(dlq.header.get('fsm-dlq-consumer')).toBe('writer-commands');
    expect(Number(dlq.header.get('fsm-dlq-seq'))).toBeGreaterThan(0);
    expect(dlq.header.get('fsm-correlation-id')).toBe('corr-fail');
    expect(dlq.header.get('fsm-tenant-id')).toBe('t1');
    expect(dlq.header.get('fsm-dlq-original-msg-id')).toBe('cmd_fail');
    await expectEventually(async () =>
      expect((await jsm.streams.info(streamName('commands', prefix))).state.messages).toBe(0),
    );
  });

  it('dead-letters a terminal error and a zod error on the first delivery', async () => {
    await publisher.publish(cmd('test.terminal'), { jobId: 'j3' }, { msgId: 'cmd_terminal' });
    await publisher.publish(cmd('test.zod'), { jobId: 42 }, { msgId: 'cmd_zod' });
    const terminal = await expectEventually(() => dlqMessage(cmd('test.terminal')));
    const zod = await expectEventually(() => dlqMessage(cmd('test.zod')));
    expect(terminal.header.get('fsm-dlq-reason')).toBe('terminal: unknown job');
    expect(terminal.header.get('fsm-dlq-deliveries')).toBe('1');
    expect(zod.header.get('fsm-dlq-reason')).toMatch(/^terminal: invalid payload: .*jobId/);
    expect(zod.header.get('fsm-dlq-deliveries')).toBe('1');
    expect(seen.filter((d) => d.msgId === 'cmd_terminal' || d.msgId === 'cmd_zod')).toHaveLength(2);
    // The server counts a dead letter once its DLQ publish is acknowledged, which can be just after the
    // copy is visible in FSM_DLQ: the count is awaited, not read at the instant the copy shows.
    await expectEventually(async () =>
      expect(await registry.getSingleMetricAsString('fsm_messaging_dlq_total')).toMatch(
        /reason="terminal"[^\n]* 2/,
      ),
    );
  });

  it('bounds concurrency, heartbeats long handlers, and drains in-flight work before close resolves', async () => {
    for (let i = 0; i < 5; i++) {
      await publisher.publish(cmd('test.slow', `c${i}`), { i }, { msgId: `cmd_slow_${i}` });
    }
    await expectEventually(() => expect(slow.started).toBeGreaterThanOrEqual(3));
    expect(slow.peak).toBeLessThanOrEqual(3);
    await app?.close();
    app = undefined;
    expect(slow.finished).toBe(slow.started);
    expect(slow.peak).toBeLessThanOrEqual(3);
    // every delivery of a slow message happened once: working() kept the 1 s ack wait from expiring
    expect(seen.filter((d) => d.msgId?.startsWith('cmd_slow_')).every((d) => d.deliveries === 1)).toBe(true);
    // acked before close resolved: the work queue holds exactly the messages never started
    const remaining = (await jsm.streams.info(streamName('commands', prefix))).state.messages;
    expect(remaining).toBe(5 - slow.finished);

    // a new instance picks up what the closed one never started
    app = await startApp();
    await expectEventually(
      async () => expect((await jsm.streams.info(streamName('commands', prefix))).state.messages).toBe(0),
      { timeoutMs: 15_000 },
    );
    // each slow command handled exactly once across both instances
    expect(
      seen
        .filter((d) => d.msgId?.startsWith('cmd_slow_'))
        .map((d) => d.msgId)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4].map((i) => `cmd_slow_${i}`));
    expect(slow.finished).toBe(5);
  });

  it('dead-letters a message whose last allowed delivery was never acknowledged (a crashed worker)', async () => {
    await app?.close();
    app = undefined;
    const subject = cmd('test.retry', 'crashy');
    await publisher.publish(subject, { jobId: 'j9' }, { msgId: 'cmd_crashed' });
    // A worker that takes the message and dies without ack or nak, on every allowed delivery.
    const raw = await jetstream(nc).consumers.get(streamName('commands', prefix), consumer.durable);
    for (let delivery = 1; delivery <= (consumer.maxDeliver ?? 0); delivery++) {
      const msg = await raw.next({ expires: 5_000 });
      expect(msg?.info.deliveryCount).toBe(delivery);
      await new Promise((r) => setTimeout(r, (consumer.ackWaitMs ?? 0) + 100));
    }
    app = await startApp();
    const dlq = await expectEventually(() => dlqMessage(subject));
    expect(dlq.header.get('fsm-dlq-reason')).toMatch(
      /max_deliver \(3\) reached: the last attempt was never acknowledged/,
    );
    expect(dlq.header.get('fsm-dlq-original-msg-id')).toBe('cmd_crashed');
    // the handler never ran for it: the DLQ took the extra delivery
    expect(seen.filter((d) => d.msgId === 'cmd_crashed')).toEqual([]);
    await expectEventually(async () =>
      expect((await jsm.streams.info(streamName('commands', prefix))).state.messages).toBe(0),
    );
  });
});
