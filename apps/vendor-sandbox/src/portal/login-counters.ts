export interface LoginCounts {
  attempts: number;
  successes: number;
  failures: number;
  mfaPrompts: number;
  lockouts: number;
}

export type LoginEvent = keyof LoginCounts;

const zero = (): LoginCounts => ({ attempts: 0, successes: 0, failures: 0, mfaPrompts: 0, lockouts: 0 });

/** What `GET /__sandbox/logins` reports: totals and per user (unknown user names under `(unknown)`). */
export class LoginCounters {
  private readonly byUser = new Map<string, LoginCounts>();

  count(userKey: string, event: LoginEvent): void {
    const counts = this.byUser.get(userKey) ?? zero();
    counts[event] += 1;
    this.byUser.set(userKey, counts);
  }

  snapshot(): { total: LoginCounts; users: Record<string, LoginCounts> } {
    const total = zero();
    const users: Record<string, LoginCounts> = {};
    for (const [key, counts] of this.byUser) {
      users[key] = { ...counts };
      for (const event of Object.keys(total) as LoginEvent[]) total[event] += counts[event];
    }
    return { total, users };
  }

  clear(): void {
    this.byUser.clear();
  }
}
