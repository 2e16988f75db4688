import type { Clock } from './clock.types';

interface FailureState {
  consecutive: number;
  lockedUntil?: number;
}

export type LockState = { locked: false; failures: number } | { locked: true; until: number };

/**
 * Consecutive login failures per user (a wrong password or a wrong code): at `maxFailures` the
 * account is locked for `durationMs` (or until `POST /__sandbox/reset`). A successful login clears
 * the count; a locked account refuses even the right password.
 */
export class LoginLockout {
  private readonly state = new Map<string, FailureState>();

  constructor(
    private readonly policy: { maxFailures: number; durationMs: number },
    private readonly clock: Clock,
  ) {}

  status(userId: string): LockState {
    const s = this.state.get(userId);
    if (s?.lockedUntil !== undefined) {
      if (this.clock() < s.lockedUntil) return { locked: true, until: s.lockedUntil };
      this.state.delete(userId);
      return { locked: false, failures: 0 };
    }
    return { locked: false, failures: s?.consecutive ?? 0 };
  }

  /** Counts one failure; returns the state after it (locked when this failure reached the limit). */
  recordFailure(userId: string): LockState {
    const current = this.status(userId);
    if (current.locked) return current;
    const consecutive = current.failures + 1;
    if (consecutive >= this.policy.maxFailures) {
      const until = this.clock() + this.policy.durationMs;
      this.state.set(userId, { consecutive, lockedUntil: until });
      return { locked: true, until };
    }
    this.state.set(userId, { consecutive });
    return { locked: false, failures: consecutive };
  }

  recordSuccess(userId: string): void {
    this.state.delete(userId);
  }

  /** User ids locked right now. */
  lockedUsers(): string[] {
    return [...this.state.keys()].filter((id) => this.status(id).locked);
  }

  clear(): void {
    this.state.clear();
  }
}
