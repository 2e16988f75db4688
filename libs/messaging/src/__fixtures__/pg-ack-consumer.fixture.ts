/*
 * A consumer process for the crash test: writes a row to Postgres for each command, idempotently by
 * message id, and acks only after the write. With FIXTURE_CRASH_AFTER_WRITE=1 it SIGKILLs itself
 * between the write and the ack. Run: node -r @swc-node/register <this file>.
 */
import { Client } from 'pg';
import pino from 'pino';
import { JetStreamContext } from '../jetstream.context';
import { JetStreamServer } from '../jetstream.server';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  const db = new Client({ connectionString: env('FIXTURE_DATABASE_URL') });
  await db.connect();
  const crash = process.env['FIXTURE_CRASH_AFTER_WRITE'] === '1';
  const server = new JetStreamServer({
    service: 'fixture',
    connection: { servers: env('FIXTURE_NATS_URL'), name: 'pg-ack-consumer' },
    prefix: env('FIXTURE_PREFIX'),
    consumers: [
      {
        stream: 'commands',
        durable: 'pg-writer',
        filterSubject: 'fsm.commands.>',
        ackWaitMs: 1_000,
        pullExpiresMs: 1_000,
      },
    ],
    logger: pino({ level: 'silent' }),
  });
  server.addHandler(
    'fsm.commands.>',
    async (data: unknown, ctx: JetStreamContext) => {
      const msgId = ctx.getMessageId() ?? '';
      await db.query('INSERT INTO deliveries (msg_id, delivery) VALUES ($1, $2)', [
        msgId,
        ctx.getDeliveryCount(),
      ]);
      await db.query(
        'INSERT INTO processed (msg_id, payload) VALUES ($1, $2) ON CONFLICT (msg_id) DO NOTHING',
        [msgId, JSON.stringify(data)],
      );
      if (crash) {
        process.stdout.write(`WROTE ${msgId}\n`);
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => undefined);
      }
    },
    true,
  );
  await server.start();
  process.stdout.write('READY\n');
  const stop = (): void => {
    void server
      .close()
      .then(() => db.end())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
