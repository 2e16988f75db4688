import { randomInt } from 'node:crypto';
import type { Clock } from './clock.types';
import { safeEqual } from './safe-equal.util';

export interface CodePolicy {
  /** How long a sent code is accepted. */
  ttlMs: number;
  /** Codes sent without one being verified before the cooldown starts. */
  maxUnverified: number;
  /** How long no code is sent after maxUnverified. */
  cooldownMs: number;
}

export type IssueResult = { code: string; expiresAt: number } | { cooldownUntil: number };
export type VerifyResult = 'ok' | 'invalid' | 'expired' | 'none';

interface UserCodes {
  code?: string;
  expiresAt?: number;
  unverified: number;
  cooldownUntil?: number;
}

/**
 * SMS/email one-time codes: 6 random digits, valid for `ttlMs`, single use; a new code replaces the
 * previous one. After `maxUnverified` codes sent without a successful verification no code is sent
 * for `cooldownMs` (ServiceTitan: 10 unverified SMS → 1 h).
 */
export class OneTimeCodes {
  private readonly byUser = new Map<string, UserCodes>();

  constructor(
    private readonly policy: CodePolicy,
    private readonly clock: Clock,
  ) {}

  issue(userId: string): IssueResult {
    const now = this.clock();
    const state = this.byUser.get(userId) ?? { unverified: 0 };
    if (state.cooldownUntil !== undefined) {
      if (now < state.cooldownUntil) return { cooldownUntil: state.cooldownUntil };
      state.cooldownUntil = undefined;
      state.unverified = 0;
    }
    if (state.unverified >= this.policy.maxUnverified) {
      state.cooldownUntil = now + this.policy.cooldownMs;
      state.code = undefined;
      this.byUser.set(userId, state);
      return { cooldownUntil: state.cooldownUntil };
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    state.code = code;
    state.expiresAt = now + this.policy.ttlMs;
    state.unverified += 1;
    this.byUser.set(userId, state);
    return { code, expiresAt: state.expiresAt };
  }

  verify(userId: string, code: string): VerifyResult {
    const state = this.byUser.get(userId);
    if (state?.code === undefined || state.expiresAt === undefined) return 'none';
    if (this.clock() >= state.expiresAt) {
      state.code = undefined;
      return 'expired';
    }
    if (!safeEqual(state.code, code.trim())) return 'invalid';
    this.byUser.set(userId, { unverified: 0 });
    return 'ok';
  }

  clear(): void {
    this.byUser.clear();
  }
}
