import { randomBytes } from 'node:crypto';
import { spawnReady, type SpawnedService } from './spawn-service.util';

/** The session manager as a process, with a client for its operator API (connections, tenants). */
export interface RunningSessionManager {
  readonly service: SpawnedService;
  readonly port: number;
  /**
   * A call to the operator API with the admin token; a non-2xx answer throws with its status and body.
   * Returns the JSON body.
   */
  admin<T = { id: string }>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T>;
}

/**
 * Spawns the session manager on a free port (a random vault key and admin token unless `env` gives
 * them; the sandbox's MFA outbox bridged, so SMS logins complete) and waits until it is ready. `env`
 * carries DATABASE_URL, NATS_URL, the stream prefix and the like.
 */
export async function startSessionManager(
  env: Readonly<Record<string, string>>,
  options: { readyTimeoutMs?: number } = {},
): Promise<RunningSessionManager> {
  const adminToken = env['FIELDSYNC_ADMIN_TOKEN'] ?? `admin-${randomBytes(16).toString('hex')}`;
  const vaultKey = randomBytes(32).toString('base64');
  const { service, port } = await spawnReady(
    'session-manager',
    (p) => ({
      FIELDSYNC_VAULT_KEY: vaultKey,
      FIELDSYNC_MFA_SANDBOX_OUTBOX: 'true',
      ...env,
      FIELDSYNC_ADMIN_TOKEN: adminToken,
      PORT: String(p),
    }),
    options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs },
  );
  return {
    service,
    port,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}
