import { randomBytes } from 'node:crypto';
import { buildChangeEvent, type ChangeEvent, type Job } from '@fieldsync/canonical-model';
import { jetstream } from '@nats-io/jetstream';
import {
  connectNats,
  eventSubject,
  JetStreamPublisher,
  MessagingHeaders,
  streamName,
} from '@fieldsync/messaging';
import { createDatabase, migrateToLatest, TenantRepository, type DB } from '@fieldsync/persistence';
import {
  canonicalFactory,
  createTestDatabase,
  deleteStreamsWithPrefix,
  freePort,
  getTestServices,
  spawnService,
  uniqueStreamPrefix,
  type CanonicalFactory,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { attemptView, messageView } from '../../src/delivery/message.mapper';
import type { endpointView } from '../../src/endpoints/endpoint.mapper';

export type EndpointView = ReturnType<typeof endpointView>;
export type MessageView = ReturnType<typeof messageView>;
export type AttemptView = ReturnType<typeof attemptView>;
export type MessageDetail = MessageView & { payload: unknown; attemptList: AttemptView[] };
export interface Page<T> {
  data: T[];
  next: string | null;
}
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  issues?: { field: string; message: string }[];
}

/** A response of the dispatcher's admin API; `T` is what the route answers (not checked). */
export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** The value, or a failed test naming what was missing. */
export function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}

/**
 * One dispatcher process for an e2e suite: its own database (migrated), stream prefix and tenant, the
 * real app spawned as an operator starts it, an admin client for the tenant's `/tenants/:tenantId` routes, and a
 * publisher of canonical change events to FSM_EVENTS.
 */
export class DispatcherHarness {
  readonly tenantId = `ten_${randomBytes(4).toString('hex')}`;
  readonly factory: CanonicalFactory = canonicalFactory({ tenantId: this.tenantId, vendor: 'jobber' });
  readonly prefix = uniqueStreamPrefix('webhooks');
  readonly vaultKey = randomBytes(32).toString('base64');
  /** FIELDSYNC_ADMIN_TOKEN of the spawned dispatcher; `api()` sends it. */
  readonly adminToken = `admin-${randomBytes(16).toString('hex')}`;
  database!: TestDatabase;
  db!: Kysely<DB>;
  port = 0;
  service: SpawnedService | undefined;
  private nc: NatsConnection | undefined;
  private publisher: JetStreamPublisher | undefined;
  private sequence = 0;

  constructor(private readonly env: Record<string, string>) {}

  async setUp(label: string): Promise<void> {
    this.database = await createTestDatabase(label);
    this.db = createDatabase({ url: this.database.url, poolMax: 4 });
    await migrateToLatest(this.db);
    await new TenantRepository(this.db).create({ id: this.tenantId, name: 'Acme Heating' });
    this.port = await freePort();
  }

  /** Spawns the dispatcher and waits until it is ready. */
  async start(extraEnv: Record<string, string> = {}): Promise<SpawnedService> {
    this.service = spawnService('webhook-dispatcher', {
      DATABASE_URL: this.database.url,
      NATS_URL: getTestServices().natsUrl,
      FIELDSYNC_STREAM_PREFIX: this.prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      FIELDSYNC_VAULT_KEY: this.vaultKey,
      FIELDSYNC_ADMIN_TOKEN: this.adminToken,
      FIELDSYNC_BOOT_TIMEOUT_MS: '20000',
      PORT: String(this.port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      WEBHOOK_ALLOW_HTTP: 'true',
      ...this.env,
      ...extraEnv,
    });
    await this.service.waitReady(this.port, 40_000);
    return this.service;
  }

  async api<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    tenantId = this.tenantId,
  ): Promise<ApiResponse<T>> {
    const res = await fetch(`http://127.0.0.1:${this.port}/tenants/${tenantId}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text.length > 0 ? JSON.parse(text) : undefined) as T };
  }

  /** Creates an endpoint and returns its id and secret (fails the test on any other answer). */
  async createEndpoint(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const res = await this.api<EndpointView & { secret: string }>('POST', '/endpoints', body);
    if (res.status !== 201) throw new Error(`POST /endpoints → ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, secret: res.body.secret };
  }

  /** A `job.created` or `job.updated` event of the suite's tenant (sequence per harness, increasing). */
  jobEvent(job: Job = this.factory.job(), previous?: Job): ChangeEvent {
    this.sequence += 1;
    const event = buildChangeEvent({
      tenantId: this.tenantId,
      connectionId: this.factory.connectionId,
      vendor: this.factory.vendor,
      sequence: this.sequence,
      before: previous ?? null,
      after: job,
    });
    if (!event) throw new Error('the job did not change');
    return event;
  }

  private async connect(): Promise<{ nc: NatsConnection; publisher: JetStreamPublisher }> {
    this.nc ??= await connectNats({
      servers: getTestServices().natsUrl,
      name: 'webhooks-e2e',
      timeoutMs: 5_000,
    });
    this.publisher ??= new JetStreamPublisher({ nc: this.nc, prefix: this.prefix });
    return { nc: this.nc, publisher: this.publisher };
  }

  /** Publishes anything to a subject of FSM_EVENTS (malformed events, foreign subjects). */
  async publishRaw(subject: string, payload: unknown, msgId: string): Promise<void> {
    const { publisher } = await this.connect();
    await publisher.publish(subject, payload, { msgId, expectStream: 'events' });
  }

  /** The `fsm-dlq-reason` of every message in the suite's FSM_DLQ, in order. */
  async dlqReasons(): Promise<string[]> {
    const { nc } = await this.connect();
    const consumer = await jetstream(nc).consumers.get(streamName('dlq', this.prefix));
    const reasons: string[] = [];
    const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 });
    for await (const msg of batch) {
      reasons.push(msg.headers?.get(MessagingHeaders.DlqReason) ?? '');
      if (msg.info.pending === 0) break;
    }
    return reasons;
  }

  async publish(events: readonly ChangeEvent[], window = 200): Promise<void> {
    const { publisher } = await this.connect();
    for (let i = 0; i < events.length; i += window) {
      await Promise.all(
        events.slice(i, i + window).map((event) => {
          const [entity, action] = event.type.split('.') as [string, string];
          return publisher.publish(
            eventSubject({ tenantId: event.tenantid, vendor: event.vendor, entity, action }),
            event,
            { msgId: event.id, tenantId: event.tenantid, expectStream: 'events' },
          );
        }),
      );
    }
  }

  async tearDown(): Promise<void> {
    if (this.service) await this.service.stop('SIGKILL').catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
    await this.db?.destroy();
    await this.database?.drop();
    await deleteStreamsWithPrefix(this.prefix).catch(() => undefined);
  }
}
