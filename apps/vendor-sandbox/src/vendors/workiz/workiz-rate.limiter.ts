import type { Clock } from '../../portal/clock.types';
import type { WorkizAccount } from './workiz-account.util';

/**
 * The account's API request limit: a sliding-window log of its requests over the last 10 s; a refused
 * request is told how many whole seconds (≥ 1) until the oldest leaves the window.
 */
export function workizRequestLimiter(account: WorkizAccount, clock: Clock) {
  const times: number[] = [];
  const windowMs = 10_000;
  return {
    take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
      if (account.requestsPer10s <= 0) return { ok: true };
      const now = clock();
      while (times.length && (times[0] as number) <= now - windowMs) times.shift();
      if (times.length >= account.requestsPer10s) {
        const waitMs = (times[0] as number) + windowMs - now;
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
      times.push(now);
      return { ok: true };
    },
    clear(): void {
      times.length = 0;
    },
  };
}
