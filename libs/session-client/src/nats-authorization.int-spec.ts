import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  checkNats,
  parseStreamsConfig,
  sessionsFilter,
  StreamProvisioner,
  streamName,
  withPrefix,
  natsCredentials,
} from '@fieldsync/messaging';
import { startPrivateNats, type PrivateNats } from '@fieldsync/testing';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { SECRET_COOKIE_VALUE, capturedSessionFixture } from './__fixtures__/captured-session.fixture';
import { SessionAcquireError } from './session-client.error';
import { sealSession } from './session-envelope';
import { SessionClient } from './session.client';
import { acquireRequestSchema, sessionErrorReply, type AcquireReply } from './sessions.schema';

/*
 * docker/nats/nats-server.conf on a private nats-server (test passwords substituted from the
 * environment): only the session-manager answers fsm.sessions.>, only the extractor and the writer ask,
 * everyone else is refused both ways, and every service still does its JetStream work.
 */

const CONFIG_FILE = join(__dirname, '..', '..', '..', 'docker', 'nats', 'nats-server.conf');
const USERS = [
  'session-manager',
  'extractor',
  'writer',
  'api',
  'webhook-dispatcher',
  'integrator-acme',
] as const;
type User = (typeof USERS)[number];

/** `NATS_<USER>_PASSWORD`, as the config file names it. */
const passwordVariable = (user: User): string => `NATS_${user.toUpperCase().replace(/-/g, '_')}_PASSWORD`;

interface Answered {
  subject: string;
  requester: unknown;
}

describe('NATS authorization (docker/nats/nats-server.conf)', () => {
  // A leading letter: nats-server would read an all-digit value as a number (see the config's header).
  const passwords = Object.fromEntries(
    USERS.map((u) => [u, `p${randomBytes(12).toString('hex')}`]),
  ) as Record<User, string>;
  let nats: PrivateNats;
  const open: NatsConnection[] = [];
  const clients: SessionClient[] = [];
  const answered: Answered[] = [];

  const urlOf = (user: User): string => `nats://${user}:${passwords[user]}@127.0.0.1:${nats.port}`;

  /** A nats.js v3 connection as `user`, the credentials taken from its NATS_URL as the services will. */
  async function connectAs(user: User, extra: Partial<NodeConnectionOptions> = {}): Promise<NatsConnection> {
    const { servers, user: name, pass } = natsCredentials(urlOf(user));
    const nc = await connect({ servers, user: name, pass, name: `test-${user}`, ...extra });
    open.push(nc);
    return nc;
  }

  function sessionClient(service: User, prefix = '', timeoutMs = 5_000): SessionClient {
    const client = new SessionClient({ service, servers: urlOf(service), prefix, timeoutMs });
    clients.push(client);
    return client;
  }

  /**
   * The session-manager: a queue subscription per operation filter, answering in Nest's NATS protocol
   * (`{ id, response, isDisposed }`) with a sealed session for acquire, an error reply otherwise.
   */
  function answer(msg: Msg, prefix: string): void {
    const packet = msg.json<{ id?: string; data?: { requester?: unknown } }>();
    const request = acquireRequestSchema.safeParse(packet.data);
    answered.push({ subject: msg.subject, requester: packet.data?.requester });
    const connectionId = msg.subject.split('.')[prefix === '' ? 2 : 3] ?? '';
    let response: AcquireReply;
    if (msg.subject.endsWith('.acquire') && request.success) {
      const session = capturedSessionFixture();
      response = {
        ok: true,
        connectionId,
        sessionVersion: 1,
        expiresAt: session.expiresAt,
        user: session.user,
        envelope: sealSession(session, {
          connectionId,
          requester: request.data.requester,
          sessionVersion: 1,
          publicKey: request.data.publicKey,
        }),
      };
    } else {
      response = sessionErrorReply('connection_not_found', `no connection ${connectionId}`);
    }
    msg.respond(JSON.stringify({ id: packet.id, response, isDisposed: true }));
  }

  beforeAll(async () => {
    nats = await startPrivateNats({
      configFile: CONFIG_FILE,
      env: Object.fromEntries(USERS.map((u) => [passwordVariable(u), passwords[u]])),
    });
    const sessionManager = await connectAs('session-manager');
    for (const prefix of ['', 'p1']) {
      sessionManager.subscribe(withPrefix(sessionsFilter(), prefix), {
        queue: 'fsm-session-manager',
        callback: (err, msg) => {
          if (!err) answer(msg, prefix);
        },
      });
    }
    await sessionManager.flush();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(open.map((nc) => nc.close()));
    await nats?.dispose();
  });

  it('refuses anonymous connections, wrong passwords and a NATS_URL whose credentials were left in', async () => {
    await expect(connect({ servers: nats.url, timeout: 2_000 })).rejects.toThrow(/Authorization Violation/);
    await expect(
      connect({ servers: nats.url, user: 'extractor', pass: passwords.writer, timeout: 2_000 }),
    ).rejects.toThrow(/Authorization Violation/);
    // Why natsCredentials exists: the client ignores user info in the URL.
    await expect(connect({ servers: urlOf('extractor'), timeout: 2_000 })).rejects.toThrow(
      /Authorization Violation/,
    );
  });

  it("delivers the extractor's and the writer's session requests to the session-manager, replies included", async () => {
    const extractor = sessionClient('extractor');
    const acquired = await extractor.acquire('con_x');
    expect(acquired.session.cookies[0]?.value).toBe(SECRET_COOKIE_VALUE);
    expect(answered).toContainEqual({ subject: 'fsm.sessions.con_x.acquire', requester: 'extractor' });

    const writer = sessionClient('writer');
    await expect(writer.status('con_x')).rejects.toMatchObject({ code: 'connection_not_found' });
    await expect(writer.invalidate('con_x', 'unauthorized')).rejects.toMatchObject({
      code: 'connection_not_found',
    });
    expect(answered).toContainEqual({ subject: 'fsm.sessions.con_x.status', requester: 'writer' });
    expect(answered).toContainEqual({ subject: 'fsm.sessions.con_x.invalidate', requester: 'writer' });

    // With a stream prefix: p1.fsm.sessions...
    const prefixed = sessionClient('extractor', 'p1');
    await expect(prefixed.acquire('con_x')).resolves.toMatchObject({ connectionId: 'con_x' });
    expect(answered).toContainEqual({ subject: 'p1.fsm.sessions.con_x.acquire', requester: 'extractor' });
  });

  it.each(['webhook-dispatcher', 'api', 'integrator-acme', 'session-manager'] as const)(
    '%s may not publish session requests',
    async (user) => {
      const before = answered.length;
      const nc = await connectAs(user, user === 'integrator-acme' ? { inboxPrefix: '_INBOX_acme' } : {});
      for (const subject of ['fsm.sessions.con_x.acquire', 'p1.fsm.sessions.con_x.acquire']) {
        await expect(nc.request(subject, '{}', { timeout: 2_000 })).rejects.toThrow(
          `Permissions Violation for Publish to "${subject}"`,
        );
      }
      expect(answered.length).toBe(before);
    },
  );

  it('a SessionClient of another service gets a retriable timeout, and the session-manager never hears it', async () => {
    const before = answered.length;
    const error: unknown = await sessionClient('webhook-dispatcher', '', 1_000)
      .acquire('con_x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionAcquireError);
    expect(error).toMatchObject({ code: 'timeout', retriable: true });
    expect(answered.length).toBe(before);
  });

  it.each(['webhook-dispatcher', 'api', 'integrator-acme', 'extractor', 'writer'] as const)(
    '%s may not subscribe to fsm.sessions.>',
    async (user) => {
      const nc = await connectAs(user, user === 'integrator-acme' ? { inboxPrefix: '_INBOX_acme' } : {});
      for (const subject of ['fsm.sessions.>', '*.fsm.sessions.>', 'fsm.sessions.con_x.acquire', '>']) {
        const sub = nc.subscribe(subject);
        await nc.flush(); // the server's -ERR precedes its PONG
        expect({ subject, refused: sub.isClosed() }).toEqual({ subject, refused: true });
        await expect(sub.closed).resolves.toMatchObject({
          message: `Permissions Violation for Subscription to "${subject}"`,
        });
      }
      // The session-manager still gets the requests, unshared.
      const before = answered.length;
      await sessionClient('extractor')
        .status('con_y')
        .catch(() => undefined);
      expect(answered.slice(before)).toEqual([
        { subject: 'fsm.sessions.con_y.status', requester: 'extractor' },
      ]);
    },
  );

  describe('JetStream still works for every service', () => {
    const streams = parseStreamsConfig({});
    const EVENTS = streamName('events');

    it.each(['session-manager', 'extractor', 'writer', 'api', 'webhook-dispatcher'] as const)(
      '%s provisions the four streams at boot and is ready',
      async (user) => {
        const nc = await connectAs(user);
        await new StreamProvisioner(nc, streams).provisionOrThrow();
        await expect(checkNats(nc, { prefix: '' })).resolves.toMatchObject({ ok: true });
      },
    );

    it('extractor publishes events, the dispatcher consumes them; api → writer commands and results', async () => {
      const extractor = jetstream(await connectAs('extractor'));
      await extractor.publish('fsm.events.acme.servicetitan.job.created', '{"n":1}', { msgID: 'evt-1' });
      await extractor.publish('fsm.events.globex.jobber.job.created', '{"n":2}', { msgID: 'evt-2' });

      const dispatcherConnection = await connectAs('webhook-dispatcher');
      await (
        await jetstreamManager(dispatcherConnection)
      ).consumers.add(EVENTS, {
        durable_name: 'webhook-dispatcher',
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'fsm.events.>',
      });
      const events = await jetstream(dispatcherConnection).consumers.get(EVENTS, 'webhook-dispatcher');
      const first = await events.next({ expires: 2_000 });
      expect(first?.subject).toBe('fsm.events.acme.servicetitan.job.created');
      await expect(first?.ackAck()).resolves.toBe(true);

      const api = jetstream(await connectAs('api'));
      await api.publish('fsm.commands.acme.con_x.job.create', '{}', { msgID: 'cmd-1' });
      const writerConnection = await connectAs('writer');
      await (
        await jetstreamManager(writerConnection)
      ).consumers.add(streamName('commands'), {
        durable_name: 'writer',
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'fsm.commands.>',
      });
      const writer = jetstream(writerConnection);
      const command = await (
        await writer.consumers.get(streamName('commands'), 'writer')
      ).next({ expires: 2_000 });
      expect(command?.subject).toBe('fsm.commands.acme.con_x.job.create');
      await writer.publish('fsm.results.acme.cmd-1', '{"ok":true}', { msgID: 'res-1' });
      await expect(command?.ackAck()).resolves.toBe(true);
    });

    it("the integrator reads its tenant's events through its own consumer, and nothing else", async () => {
      const nc = await connectAs('integrator-acme', { inboxPrefix: '_INBOX_acme' });
      const jsm = await jetstreamManager(nc);
      await jsm.consumers.add(EVENTS, {
        durable_name: 'integrator-acme-events',
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'fsm.events.acme.>',
      });
      const js = jetstream(nc);
      const mine = await (await js.consumers.get(EVENTS, 'integrator-acme-events')).next({ expires: 2_000 });
      expect(mine?.subject).toBe('fsm.events.acme.servicetitan.job.created');
      await expect(mine?.ackAck()).resolves.toBe(true);

      await expect(
        jsm.consumers.add(EVENTS, {
          durable_name: 'integrator-acme-events-all',
          ack_policy: AckPolicy.Explicit,
          filter_subject: 'fsm.events.>',
        }),
      ).rejects.toThrow(/Permissions Violation for Publish/);
      await expect(js.consumers.get(EVENTS, 'webhook-dispatcher')).rejects.toThrow(/Permissions Violation/);
      await expect(jsm.streams.delete(EVENTS)).rejects.toThrow(/Permissions Violation/);
      await expect(js.publish('fsm.commands.globex.con_y.job.create', '{}')).rejects.toThrow(
        /Permissions Violation/,
      );
    });
  });
});
