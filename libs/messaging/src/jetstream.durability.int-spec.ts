import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  createTestDatabase,
  expectEventually,
  getTestServices,
  startPrivateNats,
  uniqueStreamPrefix,
  type TestDatabase,
} from '@fieldsync/testing';
import { Client } from 'pg';
import pino from 'pino';
import { JetStreamContext } from './jetstream.context';
import { JetStreamPublisher } from './jetstream.publisher';
import { JetStreamServer } from './jetstream.server';
import { StreamKinds } from './messaging.constants';
import { connectNats } from './nats.connection';
import { StreamProvisioner } from './stream.provisioner';
import { parseStreamsConfig } from './streams.schema';
import { commandSubject, streamName } from './subjects';

jest.setTimeout(60_000);

const FIXTURE = join(__dirname, '__fixtures__', 'pg-ack-consumer.fixture.ts');
const ROOT = join(__dirname, '..', '..', '..');

function runFixture(env: Record<string, string>): {
  child: ChildProcess;
  output: Promise<string>;
  ready: Promise<void>;
} {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', FIXTURE], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`fixture exited (${code ?? signal}) before READY: ${err}`)),
    );
  });
  const output = new Promise<string>((resolve) => child.once('exit', () => resolve(out)));
  return { child, output, ready };
}

describe('nothing is lost (crash between write and ack, NATS restart)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  describe('consumer SIGKILLed after its Postgres write, before the ack', () => {
    const prefix = uniqueStreamPrefix('crash');
    let nc: NatsConnection;
    let db: TestDatabase;
    let pg: Client;

    beforeAll(async () => {
      nc = await connectNats({ servers: getTestServices().natsUrl, name: 'crash-spec' });
      await new StreamProvisioner(nc, parseStreamsConfig({ prefix })).provision();
      db = await createTestDatabase('messaging_crash');
      pg = new Client({ connectionString: db.url });
      await pg.connect();
      await pg.query('CREATE TABLE processed (msg_id text PRIMARY KEY, payload jsonb NOT NULL)');
      await pg.query(
        'CREATE TABLE deliveries (id serial PRIMARY KEY, msg_id text NOT NULL, delivery int NOT NULL)',
      );
    });

    afterAll(async () => {
      await pg.end();
      await db.drop();
      const jsm = await jetstreamManager(nc);
      for (const k of StreamKinds) await jsm.streams.delete(streamName(k, prefix)).catch(() => undefined);
      await nc.drain();
    });

    it('redelivers to the next consumer and the row exists exactly once', async () => {
      const env = {
        FIXTURE_DATABASE_URL: db.url,
        FIXTURE_NATS_URL: getTestServices().natsUrl,
        FIXTURE_PREFIX: prefix,
      };
      const crashing = runFixture({ ...env, FIXTURE_CRASH_AFTER_WRITE: '1' });
      children.push(crashing.child);
      await crashing.ready;
      await new JetStreamPublisher({ nc, prefix }).publish(
        commandSubject({ tenantId: 't1', connectionId: 'c1', type: 'job.create' }),
        { jobId: 'j1' },
        { msgId: 'cmd_crash_1' },
      );
      expect(await crashing.output).toContain('WROTE cmd_crash_1');
      expect(crashing.child.signalCode).toBe('SIGKILL');
      expect((await pg.query('SELECT count(*)::int AS n FROM processed')).rows[0]).toEqual({ n: 1 });

      const healthy = runFixture(env);
      children.push(healthy.child);
      await healthy.ready;
      const jsm = await jetstreamManager(nc);
      await expectEventually(async () =>
        expect((await jsm.streams.info(streamName('commands', prefix))).state.messages).toBe(0),
      );
      const deliveries = await pg.query<{ delivery: number }>('SELECT delivery FROM deliveries ORDER BY id');
      expect(deliveries.rows.map((r) => r.delivery)).toEqual([1, 2]);
      const rows = await pg.query('SELECT msg_id, payload FROM processed');
      expect(rows.rows).toEqual([{ msg_id: 'cmd_crash_1', payload: { jobId: 'j1' } }]);
      healthy.child.kill('SIGTERM');
      await healthy.output;
    });
  });

  describe('private NATS killed and restarted while publishing and consuming', () => {
    it('resumes and handles every acknowledged publish', async () => {
      const nats = await startPrivateNats();
      const prefix = uniqueStreamPrefix('restart');
      const handled = new Set<string>();
      const logger = pino({ level: 'silent' });
      const nc = await connectNats({ servers: nats.url, name: 'restart-pub', reconnectTimeWaitMs: 100 });
      const server = new JetStreamServer({
        service: 'restart',
        connection: { servers: nats.url, name: 'restart-sub', reconnectTimeWaitMs: 100 },
        prefix,
        consumers: [
          {
            stream: 'commands',
            durable: 'restart-writer',
            filterSubject: 'fsm.commands.>',
            ackWaitMs: 1_000,
            pullExpiresMs: 1_000,
            concurrency: 4,
            maxDeliver: 20,
            retryBaseDelayMs: 50,
          },
        ],
        logger,
      });
      try {
        await new StreamProvisioner(nc, parseStreamsConfig({ prefix })).provision();
        server.addHandler(
          'fsm.commands.>',
          async (_data: unknown, ctx: JetStreamContext) => {
            handled.add(ctx.getMessageId() ?? '');
          },
          true,
        );
        await server.start();
        const publisher = new JetStreamPublisher({ nc, prefix, defaultTimeoutMs: 1_000 });
        const acked: string[] = [];
        const publishUntilAcked = async (i: number): Promise<void> => {
          const msgId = `cmd_r_${i}`;
          const subject = commandSubject({ tenantId: 't1', connectionId: 'c1', type: 'job.create' });
          for (;;) {
            try {
              await publisher.publish(subject, { i }, { msgId });
              acked.push(msgId);
              return;
            } catch {
              await new Promise((r) => setTimeout(r, 100)); // server down: retry, same msgId
            }
          }
        };
        for (let i = 0; i < 40; i++) await publishUntilAcked(i);
        await nats.kill();
        const restarted = nats.start();
        for (let i = 40; i < 80; i++) await publishUntilAcked(i);
        await restarted;
        expect(acked).toHaveLength(80);
        await expectEventually(() => expect([...acked].filter((id) => !handled.has(id))).toEqual([]), {
          timeoutMs: 30_000,
        });
        const jsm = await jetstreamManager(nc);
        await expectEventually(async () =>
          expect((await jsm.streams.info(streamName('commands', prefix))).state.messages).toBe(0),
        );
      } finally {
        await server.close();
        await nc.close();
        await nats.dispose();
      }
    });
  });
});
