import { createSecretKey } from 'node:crypto';
import {
  canonicalId,
  commandResultSchema,
  exampleEntities,
  generateSecret,
  newCommandId,
  secretKey,
  type CommandResult,
} from '@fieldsync/canonical-model';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the int spec runs the real outbox relay to put change events on FSM_EVENTS
import { OutboxRelay } from '@fieldsync/infrastructure';
// eslint-disable-next-line @nx/enforce-module-boundaries -- streams provisioned, and a result published, the way the services do
import {
  JetStreamPublisher,
  StreamProvisioner,
  connectNats,
  parseStreamsConfig,
  resultSubject as servicesResultSubject,
  streamName,
} from '@fieldsync/messaging';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the store is filled through the change log, the one door to it
import {
  ChangeEventRepository,
  ChangeLog,
  createDatabase,
  migrateToLatest,
  type DB,
  type MappedRecord,
} from '@fieldsync/persistence';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the example receiver must accept what the dispatcher signs
import { signatureHeader } from '../../../apps/webhook-dispatcher/src/delivery/signature.util';
import {
  createTestDatabase,
  expectEventually,
  freePort,
  deleteStreamsWithPrefix,
  getTestServices,
  killSpawnedServices,
  spawnReady,
  uniqueStreamPrefix,
  type TestDatabase,
} from '@fieldsync/testing';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import {
  FieldsyncApiError,
  FieldsyncClient,
  FieldsyncCommandError,
  FieldsyncResultTimeoutError,
  awaitResult,
  publishCommand,
  subscribeEvents,
  type ReceivedEvent,
} from './index';

/*
 * The SDK against the real api process (real Postgres, real NATS JetStream): a filtered list, a cursor
 * iteration, a problem, a write through its 202 and GET /commands polling; publishCommand, awaitResult and
 * subscribeEvents (resumed by sequence and by durable consumer) against the fieldsync streams.
 */

jest.setTimeout(180_000);

const OPERATOR = 'operator-token-of-the-sdk-int-0123456789';
const TENANT = 'tn_sdk_a';
const CONNECTION = 'con_sdk_a1';
const JOBS = 7;
const ROOT = join(__dirname, '..', '..', '..');

describe('libs/sdk against the api process and JetStream', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('sdkint');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let nc: NatsConnection;
  let sdk: FieldsyncClient;
  let baseUrl = '';
  let apiKey = '';
  let clientId = '';
  let propertyId = '';
  const jobIds: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sdk_int');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    await db.insertInto('tenants').values({ id: TENANT, name: 'SDK tenant' }).execute();
    await db
      .insertInto('connections')
      .values({
        id: CONNECTION,
        tenant_id: TENANT,
        vendor: 'servicetitan',
        portal_url: 'https://servicetitan.example.test',
        username: 'sdk@example.test',
        status: 'active',
      })
      .execute();
    const entities = exampleEntities({ connectionId: CONNECTION, vendor: 'servicetitan' });
    clientId = entities.customer.id;
    propertyId = entities.location.id;
    const jobs = Array.from({ length: JOBS }, (_, i) => ({
      ...entities.job,
      id: canonicalId(CONNECTION, 'job', `90${i}`),
      externalId: `90${i}`,
      status: i % 2 === 0 ? ('scheduled' as const) : ('completed' as const),
      completedAt: i % 2 === 0 ? null : new Date(Date.UTC(2026, 2, 1 + i, 18)).toISOString(),
      updatedAt: new Date(Date.UTC(2026, 2, 1 + i)).toISOString(),
    }));
    jobIds.push(...jobs.map((j) => j.id));
    const records: MappedRecord[] = [
      {
        entity: 'customer',
        externalId: entities.customer.externalId,
        object: entities.customer,
        raw: {},
        deleted: false,
      },
      {
        entity: 'location',
        externalId: entities.location.externalId,
        object: entities.location,
        raw: {},
        deleted: false,
      },
      ...jobs.map((job) => ({
        entity: 'job' as const,
        externalId: job.externalId,
        object: job,
        raw: {},
        deleted: false,
      })),
    ];
    await db
      .transaction()
      .execute((trx) =>
        new ChangeLog(db).record(
          trx,
          { tenantId: TENANT, connectionId: CONNECTION, vendor: 'servicetitan', now: new Date() },
          records,
          { generation: 'ahead' },
        ),
      );
    nc = await connectNats({ servers: services.natsUrl, name: 'sdk-int', timeoutMs: 5_000 });
    await new StreamProvisioner(nc, parseStreamsConfig({ prefix, storage: 'memory' })).provisionOrThrow();
    const started = await spawnReady(
      'api',
      (port) => ({
        DATABASE_URL: database.url,
        NATS_URL: services.natsUrl,
        FIELDSYNC_STREAM_PREFIX: prefix,
        FIELDSYNC_STREAM_STORAGE: 'memory',
        FIELDSYNC_ADMIN_TOKEN: OPERATOR,
        // no writer runs here: a write answers 202 after this bound and its command stays pending
        API_COMMAND_WAIT: '300ms',
        PORT: String(port),
        HOST: '127.0.0.1',
      }),
      { readyTimeoutMs: 60_000 },
    );
    baseUrl = `http://127.0.0.1:${started.port}`;
    // the operator creates the tenant's key (shown once), as an integrator receives it
    const created = await fetch(`${baseUrl}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: TENANT, name: 'sdk int', scopes: ['read', 'write'] }),
    });
    expect(created.status).toBe(201);
    apiKey = ((await created.json()) as { key: string }).key;
    sdk = new FieldsyncClient({ baseUrl, apiKey });
  });

  afterAll(async () => {
    await killSpawnedServices();
    await nc?.drain();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('lists a collection with a filter, gets an item, and iterates every page by cursor', async () => {
    const scheduled = await sdk.list('jobs', { status: 'scheduled', pageSize: 2 });
    expect(scheduled.total).toBe(Math.ceil(JOBS / 2));
    expect(scheduled.items).toHaveLength(2);
    expect(scheduled.items.every((job) => job.status === 'scheduled')).toBe(true);
    expect(typeof scheduled.nextCursor).toBe('string');
    const first = scheduled.items[0];
    expect(first && (await sdk.get('jobs', first.jobId)).jobId).toBe(first?.jobId);

    const pages = [];
    for await (const page of sdk.pages('jobs', { pageSize: 3 })) pages.push(page.items.map((j) => j.jobId));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const iterated: string[] = [];
    for await (const job of sdk.iterate('jobs', { pageSize: 2 })) iterated.push(job.jobId);
    expect(iterated).toEqual(pages.flat());
    expect([...iterated].sort()).toEqual([...jobIds].sort());
  });

  it('surfaces a refused request as a FieldsyncApiError naming the field, with the request id', async () => {
    const error = await sdk.list('jobs', { status: 'closed' as 'scheduled' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldsyncApiError);
    const problem = error as FieldsyncApiError;
    expect([problem.status, problem.code, problem.fields]).toEqual([
      400,
      'invalid_request',
      ['query.status'],
    ]);
    expect(problem.requestId).toEqual(expect.any(String));
    const missing = (await sdk
      .get('jobs', 'job_does_not_exist')
      .catch((e: unknown) => e)) as FieldsyncApiError;
    expect([missing.status, missing.code]).toEqual([404, 'not_found']);
  });

  it('sends a write with an idempotency key and follows its 202 to GET /commands/{id} within the bound', async () => {
    const outcome = await sdk.write(
      'createJob',
      {
        body: { clientId, propertyId, title: 'Water heater flush' },
        idempotencyKey: `sdk-int-${Date.now()}`,
      },
      { timeoutMs: 1_000, intervalMs: 100 },
    );
    expect(outcome.kind).toBe('command');
    if (outcome.kind !== 'command') return;
    // no writer took it yet: the api knows its connection and key, not yet its type
    expect(outcome.command).toMatchObject({
      connectionId: CONNECTION,
      idempotencyKey: outcome.idempotencyKey,
      status: 'pending',
    });
    // the same key again while no writer has answered: 409 (not retried); with another body: 422
    const again = (await sdk
      .write('createJob', {
        body: { clientId, propertyId, title: 'Water heater flush' },
        idempotencyKey: outcome.idempotencyKey,
      })
      .catch((e: unknown) => e)) as FieldsyncApiError;
    expect([again.status, again.code, again.fields]).toEqual([409, 'conflict', ['header.idempotency-key']]);
    const other = (await sdk
      .write('createJob', {
        body: { clientId, propertyId, title: 'Another title' },
        idempotencyKey: outcome.idempotencyKey,
      })
      .catch((e: unknown) => e)) as FieldsyncApiError;
    expect([other.status, other.code, other.fields]).toEqual([
      422,
      'unprocessable',
      ['header.idempotency-key'],
    ]);
    // the api sent it to FSM_COMMANDS exactly as publishCommand does: it waits there for a writer
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(streamName('commands', prefix), {
      last_by_subj: `${prefix}.fsm.commands.${TENANT}.${CONNECTION}.job.create`,
    });
    expect(stored?.json<{ commandId: string }>().commandId).toBe(outcome.command.commandId);
  });

  it('publishes a validated command to FSM_COMMANDS once per command id, and refuses a bad one by field', async () => {
    const draft = {
      commandId: newCommandId(),
      idempotencyKey: `sdk-nats-${Date.now()}`,
      tenantId: TENANT,
      connectionId: CONNECTION,
      type: 'job.status.update' as const,
      payload: { jobId: jobIds[0] ?? '', status: 'canceled' as const, reason: 'customer called off' },
    };
    const published = await publishCommand(nc, draft, { prefix });
    expect(published.subject).toBe(`${prefix}.fsm.commands.${TENANT}.${CONNECTION}.job.status.update`);
    expect(published.duplicate).toBe(false);
    const again = await publishCommand(nc, draft, { prefix });
    expect([again.duplicate, again.seq]).toEqual([true, published.seq]);
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(streamName('commands', prefix), { seq: published.seq });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(draft.commandId);
    expect(stored?.json()).toEqual(published.command);

    const bad = await publishCommand(
      nc,
      { ...draft, commandId: undefined, payload: { jobId: '', status: 'lost' } } as never,
      {
        prefix,
      },
    ).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(FieldsyncCommandError);
    expect((bad as FieldsyncCommandError).issues.map((i) => i.field).sort()).toEqual([
      'payload.jobId',
      'payload.status',
    ]);
  });

  it('awaits a command result on FSM_RESULTS, whether it came before or after the call, and times out by name', async () => {
    const commandId = newCommandId();
    await expect(
      awaitResult(nc, commandId, { tenantId: TENANT, timeoutMs: 300, prefix }),
    ).rejects.toBeInstanceOf(FieldsyncResultTimeoutError);
    // the result as the writer publishes it (libs/messaging's publisher, subject and Nats-Msg-Id)
    const publisher = new JetStreamPublisher({ nc, prefix });
    const result = (id: string): CommandResult =>
      commandResultSchema.parse({
        commandId: id,
        idempotencyKey: `k-${id}`,
        type: 'job.status.update',
        status: 'rejected',
        error: {
          code: 'validation_failed',
          message: 'payload.status: invalid',
          retriable: false,
          field: 'payload.status',
        },
        completedAt: new Date().toISOString(),
      });
    const publish = (id: string) =>
      publisher.publish(servicesResultSubject({ tenantId: TENANT, commandId: id }), result(id), {
        msgId: `result-${id}`,
        expectStream: 'results',
      });
    await publish(commandId);
    await expect(
      awaitResult(nc, commandId, { tenantId: TENANT, timeoutMs: 5_000, prefix }),
    ).resolves.toMatchObject({
      commandId,
      status: 'rejected',
    });
    const later = newCommandId();
    const waiting = awaitResult(nc, later, { timeoutMs: 5_000, prefix });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await publish(later);
    await expect(waiting).resolves.toMatchObject({ commandId: later });
  });

  it('subscribes to events by type, resumes after a kept sequence, and resumes a durable consumer', async () => {
    const relay = new OutboxRelay(
      db,
      nc,
      { databaseUrl: database.url, prefix },
      new Registry(),
      new ChangeEventRepository(db),
    );
    while ((await relay.relayOnce()) > 0);
    const take = async (
      n: number,
      options: Parameters<typeof subscribeEvents>[1],
    ): Promise<ReceivedEvent[]> => {
      const got: ReceivedEvent[] = [];
      const signal = AbortSignal.timeout(10_000);
      for await (const received of subscribeEvents(nc, { ...options, prefix, signal })) {
        got.push(received);
        if (got.length === n) {
          received.ack();
          break;
        }
      }
      return got;
    };
    const jobs = await take(JOBS, { tenantId: TENANT, types: ['job.*'], from: 'all' });
    expect(jobs.map((r) => r.event.type)).toEqual(Array<string>(JOBS).fill('job.created'));
    expect([...jobs.map((r) => r.event.subject)].sort()).toEqual([...jobIds].sort());
    const sequences = jobs.map((r) => r.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));

    const resumed = await take(2, { tenantId: TENANT, types: ['job.*'], after: sequences[2] });
    expect(resumed.map((r) => r.sequence)).toEqual(sequences.slice(3, 5));
    const mixed = await take(JOBS + 1, {
      tenantId: TENANT,
      types: ['customer.created', 'job.*'],
      from: 'all',
    });
    expect(mixed.map((r) => r.event.type).sort()).toEqual([
      'customer.created',
      ...Array<string>(JOBS).fill('job.created'),
    ]);
    const customers = await take(1, {
      tenantId: TENANT,
      types: ['customer.created'],
      from: 'all',
      connectionId: CONNECTION,
    });
    expect(customers.map((r) => r.event.subject)).toEqual([clientId]);

    const durable = `sdk_int_${Date.now()}`;
    const firstRun = await take(3, { tenantId: TENANT, types: ['job.*'], from: 'all', durableName: durable });
    expect(firstRun.map((r) => r.sequence)).toEqual(sequences.slice(0, 3));
    const secondRun = await take(2, { tenantId: TENANT, types: ['job.*'], durableName: durable });
    expect(secondRun.map((r) => r.sequence)).toEqual(sequences.slice(3, 5));
    await expect(take(1, { tenantId: TENANT, types: ['invoice.*'], durableName: durable })).rejects.toThrow(
      `durable consumer ${durable} filters`,
    );
  });

  it('runs the examples: list-jobs and consume-events against the api and JetStream, verify-webhook against the dispatcher’s signatures', async () => {
    const run = promisify(execFile);
    const listed = await run(
      process.execPath,
      ['-r', '@swc-node/register', 'libs/sdk/examples/list-jobs.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, FIELDSYNC_API_URL: baseUrl, FIELDSYNC_API_KEY: apiKey },
      },
    );
    expect(listed.stdout).toContain(`${Math.ceil(JOBS / 2)} scheduled job(s)`);
    expect(listed.stdout).toContain(`${JOBS} job(s) in all, read by cursor`);

    // consume-events: the durable subscription for a few seconds, then the REST feed to its end
    const relay = new OutboxRelay(
      db,
      nc,
      { databaseUrl: database.url, prefix },
      new Registry(),
      new ChangeEventRepository(db),
    );
    while ((await relay.relayOnce()) > 0);
    const consumed = await run(
      process.execPath,
      ['-r', '@swc-node/register', 'libs/sdk/examples/consume-events.ts', 'job.*'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NATS_URL: services.natsUrl,
          FIELDSYNC_TENANT_ID: TENANT,
          FIELDSYNC_STREAM_PREFIX: prefix,
          EXAMPLE_SECONDS: '3',
          EXAMPLE_DURABLE: `example_${Date.now()}`,
          FIELDSYNC_API_URL: baseUrl,
          FIELDSYNC_API_KEY: apiKey,
        },
      },
    );
    expect(consumed.stdout.match(/^#\d+ job\.created job_/gm)).toHaveLength(JOBS);
    expect(consumed.stdout.match(/^feed @\d+ job\.created job_/gm)).toHaveLength(JOBS);
    expect(consumed.stdout).toMatch(/caught up: poll again with after=\d+/);

    const secret = generateSecret();
    const port = await freePort();
    const receiver = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'libs/sdk/examples/verify-webhook.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, FIELDSYNC_WEBHOOK_SECRET: secret, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    receiver.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    receiver.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await expectEventually(() => expect(output).toContain('verifying webhooks'), { timeoutMs: 30_000 });
      const body = JSON.stringify({
        specversion: '1.0',
        id: 'evt_1',
        type: 'job.created',
        subject: jobIds[0],
      });
      const send = (payload: string) => {
        const timestamp = Math.floor(Date.now() / 1000);
        return fetch(`http://127.0.0.1:${port}/fieldsync`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': 'msg_1',
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader(
              [createSecretKey(secretKey(secret))],
              'msg_1',
              timestamp,
              body,
            ),
          },
          body: payload,
        });
      };
      expect((await send(body)).status).toBe(204);
      const tampered = await send(body.replace('job.created', 'job.deleted'));
      expect([tampered.status, await tampered.text()]).toEqual([400, 'signature_mismatch']);
      await expectEventually(() => expect(output).toContain(`msg_1: job.created ${jobIds[0] ?? ''}`), {
        timeoutMs: 5_000,
      });
    } finally {
      receiver.kill();
    }
  });
});
