import type { CapturedSession, SessionCheck } from './auth-flow.types';
import { sessionFetch } from './session-http.util';

export interface SessionProbe {
  /** The cheap authenticated GET (e.g. `/api/whoami`). */
  readonly path: string;
  /** Reads the vendor's idle deadline from the 200 body, when it says one. */
  readonly idleExpiresAt?: (body: unknown) => string | undefined;
  readonly signal?: AbortSignal;
  /** Default 15 s. */
  readonly timeoutMs?: number;
}

/**
 * `AuthFlow.check` for portals whose session answers a JSON GET: 200 → valid, 401 or a redirect
 * (to the login page) → expired, 403 → unauthorized, anything else (429, 5xx, network) → unknown.
 */
export async function probeSession(session: CapturedSession, probe: SessionProbe): Promise<SessionCheck> {
  const timeout = AbortSignal.timeout(probe.timeoutMs ?? 15_000);
  const signal = probe.signal ? AbortSignal.any([probe.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await sessionFetch(session, probe.path, {
      headers: { accept: 'application/json' },
      signal,
    });
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { valid: 'unknown', error: `GET ${probe.path} failed (${why})` };
  }
  if (response.status === 200) {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { valid: 'unknown', error: `GET ${probe.path} answered 200 without JSON` };
    }
    const idleExpiresAt = probe.idleExpiresAt?.(body);
    return idleExpiresAt === undefined ? { valid: true } : { valid: true, idleExpiresAt };
  }
  await response.body?.cancel();
  if (response.status === 401 || (response.status >= 300 && response.status < 400)) {
    return { valid: false, reason: 'expired' };
  }
  if (response.status === 403) return { valid: false, reason: 'unauthorized' };
  return { valid: 'unknown', error: `GET ${probe.path} answered HTTP ${response.status}` };
}
