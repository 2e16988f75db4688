import type { Clock } from './clock.types';
import { randomToken } from './random-token.util';

export interface SessionTimeouts {
  /** Inactivity after which the session ends. */
  idleMs: number;
  /** Lifetime after login whatever the activity. */
  absoluteMs: number;
}

export interface PortalSession {
  /** Random 256-bit id: the session cookie's value. Never logged. */
  readonly id: string;
  readonly userId: string;
  /** The token state-changing requests send in `X-CSRF-Token` (or a form's hidden field). */
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

export type SessionEnd = 'idle' | 'absolute' | 'unknown';

/**
 * In-memory cookie sessions with an idle and an absolute timeout, enforced on every look-up
 * (`touch`), so an expired session is gone the moment it is used.
 */
export class SessionStore {
  private readonly sessions = new Map<string, PortalSession>();

  constructor(
    private readonly timeouts: SessionTimeouts,
    private readonly clock: Clock,
  ) {}

  get idleMs(): number {
    return this.timeouts.idleMs;
  }

  create(userId: string): PortalSession {
    const now = this.clock();
    const session: PortalSession = {
      id: randomToken(),
      userId,
      csrfToken: randomToken(),
      createdAt: now,
      lastSeenAt: now,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle timer restarted; or why there is none. */
  touch(id: string | undefined): { session: PortalSession } | { ended: SessionEnd } {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return { ended: 'unknown' };
    const now = this.clock();
    if (now - session.createdAt >= this.timeouts.absoluteMs) {
      this.sessions.delete(session.id);
      return { ended: 'absolute' };
    }
    if (now - session.lastSeenAt >= this.timeouts.idleMs) {
      this.sessions.delete(session.id);
      return { ended: 'idle' };
    }
    session.lastSeenAt = now;
    return { session };
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session (or every session of one user); returns how many ended. */
  expire(userId?: string): number {
    let ended = 0;
    for (const [id, session] of this.sessions) {
      if (userId === undefined || session.userId === userId) {
        this.sessions.delete(id);
        ended += 1;
      }
    }
    return ended;
  }

  /** Live sessions per user id (expired ones are not counted). */
  activeByUser(): Record<string, number> {
    const now = this.clock();
    const counts: Record<string, number> = {};
    for (const s of this.sessions.values()) {
      const live = now - s.createdAt < this.timeouts.absoluteMs && now - s.lastSeenAt < this.timeouts.idleMs;
      if (live) counts[s.userId] = (counts[s.userId] ?? 0) + 1;
    }
    return counts;
  }

  clear(): void {
    this.sessions.clear();
  }
}
