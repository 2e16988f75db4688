import { randomBytes } from 'node:crypto';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import { SessionClient } from '@fieldsync/session-client';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  getTestServices,
  killSpawnedServices,
  startSandbox,
  startSessionManager,
  uniqueStreamPrefix,
  type LoginCounts,
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';

/*
 * The session manager's e2e world, as every suite of this folder sets it up: a scratch database, the
 * vendor sandbox as a process, the session manager as a process (its environment from the spec), and an
 * "extractor" SessionClient that acquires and decrypts sessions over NATS, all under a private stream
 * prefix. What differs per suite is the sandbox's and the session manager's environment.
 */

export interface SessionWorld {
  readonly sandbox: RunningSandbox;
  readonly db: Kysely<DB>;
  readonly prefix: string;
  /** The session manager process (its output, its exit on a signal). */
  readonly manager: SpawnedService;
  /** `http://127.0.0.1:<port>` of the session manager. */
  readonly base: string;
  /** Sessions acquired as the extractor does. */
  readonly client: SessionClient;
  /** The operator API with the admin token: the JSON body; a non-2xx answer throws with status and body. */
  admin<T = { id: string }>(method: string, path: string, body?: unknown): Promise<T>;
  /** The operator API with the admin token: status and JSON body, whatever the status. */
  adminCall<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Starts the sandbox, the session manager (default MFA timeout 30 s, the sandbox outbox bridged) and a client. */
export async function startSessionWorld(options: {
  /** Names the scratch database and the stream prefix. */
  readonly name: string;
  readonly sandboxEnv?: Readonly<Record<string, string>>;
  /** On top of the shared env (database, NATS, prefix, memory streams, MFA relay, MFA timeout 30 s, info logs). */
  readonly managerEnv?: Readonly<Record<string, string>>;
  /** How long the client waits for a session (default 60 s). */
  readonly acquireTimeoutMs?: number;
}): Promise<SessionWorld> {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix(options.name.replace(/_/g, '').slice(0, 8));
  const database: TestDatabase = await createTestDatabase(options.name);
  const db = createDatabase({ url: database.url });
  await migrateToLatest(db);
  let client: SessionClient | undefined;
  const close = async (): Promise<void> => {
    await client?.close().catch(() => undefined);
    await killSpawnedServices();
    await db.destroy().catch(() => undefined);
    await database.drop().catch(() => undefined);
    await deleteStreamsWithPrefix(prefix).catch(() => undefined);
  };
  let sandbox: RunningSandbox;
  let manager: Awaited<ReturnType<typeof startSessionManager>>;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  try {
    sandbox = await startSandbox({ ...options.sandboxEnv });
    manager = await startSessionManager({
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      FIELDSYNC_ADMIN_TOKEN: adminToken,
      FIELDSYNC_MFA_SANDBOX_OUTBOX: 'true',
      SESSION_MFA_TIMEOUT: '30s',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      ...options.managerEnv,
    });
    client = new SessionClient({
      service: 'extractor',
      servers: services.natsUrl,
      prefix,
      timeoutMs: options.acquireTimeoutMs ?? 60_000,
    });
    await client.connect();
  } catch (error) {
    // A start that failed half way leaves nothing running (no pool or process keeps jest alive).
    await close();
    throw error;
  }
  const base = `http://127.0.0.1:${manager.port}`;

  const adminCall: SessionWorld['adminCall'] = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  return {
    sandbox,
    db,
    prefix,
    manager: manager.service,
    base,
    client,
    adminCall,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await adminCall<T>(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    close,
  };
}

/** A user's sign-in counts at a portal (zeros for a user who never tried). */
export async function loginsOf(portal: PortalHandle, user: string): Promise<LoginCounts> {
  const report = await portal.control<LoginsReport>('GET', 'logins');
  return report.users[user] ?? { attempts: 0, successes: 0, failures: 0, mfaPrompts: 0, lockouts: 0 };
}
