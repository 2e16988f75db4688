import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { getTestServices, uniqueStreamPrefix } from '@fieldsync/testing';
import { JetStreamPublisher } from './jetstream.publisher';
import { StreamKinds } from './messaging.constants';
import { MessagingError } from './messaging.error';
import { checkNats, connectNats } from './nats.connection';
import { StreamProvisioner } from './stream.provisioner';
import { parseStreamsConfig } from './streams.schema';
import { commandSubject, eventSubject, resultSubject, streamName } from './subjects';

describe('stream provisioning and publishing (real NATS)', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const prefixes = [uniqueStreamPrefix('prov'), uniqueStreamPrefix('prov')];

  beforeAll(async () => {
    nc = await connectNats({ servers: getTestServices().natsUrl, name: 'messaging-prov-spec' });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    for (const p of prefixes) {
      for (const k of StreamKinds) await jsm.streams.delete(streamName(k, p)).catch(() => undefined);
    }
    await nc.drain();
  });

  it('fails fast with a clear error when NATS is unreachable', async () => {
    const started = Date.now();
    await expect(
      connectNats({ servers: 'nats://127.0.0.1:1', name: 'nowhere', timeoutMs: 500 }),
    ).rejects.toThrow(/cannot connect to NATS at nats:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('creates the four streams once; a second run is a no-op; a changed limit updates in place', async () => {
    const cfg = parseStreamsConfig({ prefix: prefixes[0], duplicateWindowMs: 60_000 });
    expect(await checkNats(nc, cfg)).toMatchObject({
      ok: false,
      missingStreams: expect.any(Array) as unknown,
    });

    const first = await new StreamProvisioner(nc, cfg).provision();
    expect(first.streams.map((s) => [s.stream, s.action])).toEqual(
      StreamKinds.map((k) => [streamName(k, prefixes[0]), 'created']),
    );
    const second = await new StreamProvisioner(nc, cfg).provision();
    expect(second.streams.every((s) => s.action === 'unchanged')).toBe(true);
    expect(await checkNats(nc, cfg)).toEqual({ ok: true, connected: true, missingStreams: [] });

    const commands = await jsm.streams.info(streamName('commands', prefixes[0]));
    expect(commands.config.retention).toBe('workqueue');
    expect(commands.config.subjects).toEqual([`${prefixes[0]}.fsm.commands.>`]);

    const changed = parseStreamsConfig({ ...cfg, maxBytes: 10_000_000, storage: 'file' });
    const third = await new StreamProvisioner(nc, changed).provision();
    expect(third.streams.every((s) => s.action === 'updated')).toBe(true);
    expect((await jsm.streams.info(streamName('events', prefixes[0]))).config.max_bytes).toBe(10_000_000);

    const impossible = await new StreamProvisioner(
      nc,
      parseStreamsConfig({ ...changed, storage: 'memory' }),
    ).provision();
    expect(impossible.hasConflicts).toBe(true);
    expect(impossible.streams[0]?.differences.map((d) => d.field)).toContain('storage');
    await expect(
      new StreamProvisioner(nc, parseStreamsConfig({ ...changed, storage: 'memory' })).provisionOrThrow(),
    ).rejects.toThrow(/storage/);
  });

  it('keeps two prefixes on one server apart', async () => {
    const cfgB = parseStreamsConfig({ prefix: prefixes[1] });
    await new StreamProvisioner(nc, cfgB).provision();
    const a = new JetStreamPublisher({ nc, prefix: prefixes[0] });
    const b = new JetStreamPublisher({ nc, prefix: prefixes[1] });
    const subject = eventSubject({ tenantId: 't1', vendor: 'jobber', entity: 'job', action: 'updated' });
    const ackA = await a.publish(subject, { n: 1 }, { msgId: 'evt_same' });
    const ackB = await b.publish(subject, { n: 2 }, { msgId: 'evt_same' });
    expect(ackA).toMatchObject({ stream: streamName('events', prefixes[0]), duplicate: false });
    expect(ackB).toMatchObject({ stream: streamName('events', prefixes[1]), duplicate: false });
    for (const p of prefixes) {
      expect((await jsm.streams.info(streamName('events', p))).state.messages).toBe(1);
    }
  });

  it('stores one message for two publishes with the same Nats-Msg-Id', async () => {
    const publisher = new JetStreamPublisher({ nc, prefix: prefixes[0] });
    const subject = commandSubject({ tenantId: 't1', connectionId: 'c1', type: 'job.create' });
    const first = await publisher.publish(
      subject,
      { a: 1 },
      { msgId: 'cmd_1', correlationId: 'corr-1', expectStream: 'commands' },
    );
    const again = await publisher.publish(
      subject,
      { a: 1 },
      { msgId: 'cmd_1', correlationId: 'corr-1', expectStream: 'commands' },
    );
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    const info = await jsm.streams.info(streamName('commands', prefixes[0]));
    expect(info.state.messages).toBe(1);
    const stored = await jsm.streams.getMessage(streamName('commands', prefixes[0]), { seq: first.seq });
    expect(stored?.header.get('Nats-Msg-Id')).toBe('cmd_1');
    expect(stored?.header.get('fsm-correlation-id')).toBe('corr-1');
    expect(stored?.json()).toEqual({ a: 1 });
  });

  it('refuses a publish without msgId, and one that lands outside the expected stream', async () => {
    const publisher = new JetStreamPublisher({ nc, prefix: prefixes[0] });
    const subject = resultSubject({ tenantId: 't1', commandId: 'cmd_1' });
    // @ts-expect-error msgId is required by the type, and checked at runtime too
    await expect(publisher.publish(subject, {}, {})).rejects.toThrow(MessagingError);
    await expect(publisher.publish(subject, {}, { msgId: 'r1', expectStream: 'events' })).rejects.toThrow();
  });
});
