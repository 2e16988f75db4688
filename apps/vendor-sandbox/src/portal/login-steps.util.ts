import * as OTPAuth from 'otpauth';
import type { PortalKit, PortalUser } from './portal.types';

/*
 * The steps every portal's login repeats (a failed password or code counted toward the lockout, a
 * one-time code sent by SMS or email, a TOTP checked once), in one place for the flows to share rather
 * than a copy per vendor.
 */

/** Counts a failed password or code toward the lockout; true when the account is now locked. */
export function recordLoginFailure(kit: PortalKit, user: PortalUser): boolean {
  kit.counters.count(user.username, 'failures');
  const state = kit.lockout.recordFailure(user.id);
  if (state.locked) {
    kit.counters.count(user.username, 'lockouts');
    kit.logger.warn({ user: user.username }, 'account locked after repeated failures');
  }
  return state.locked;
}

/**
 * Sends a one-time code to the user's email (mfa `email`) or phone (otherwise) through the sandbox
 * outbox; the message text is the vendor's. Returns the error to show when the code cooldown applies.
 */
export function sendLoginCode(
  kit: PortalKit,
  user: PortalUser,
  message: (code: string) => string,
): string | undefined {
  const issued = kit.codes.issue(user.id);
  if ('cooldownUntil' in issued) return 'Too many codes requested. Try again later.';
  const channel = user.mfa === 'email' ? 'email' : 'sms';
  kit.outbox.send({
    channel,
    to: channel === 'email' ? (user.email ?? '') : (user.phone ?? ''),
    userId: user.id,
    code: issued.code,
    body: message(issued.code),
  });
  kit.logger.info({ user: user.username, channel }, 'login code sent');
  return undefined;
}

/** TOTP codes of the users' authenticator apps (±1 step), each accepted once. */
export class TotpVerifier {
  private readonly lastCounter = new Map<string, number>();

  verify(user: PortalUser, code: string, now: number): 'ok' | 'invalid' {
    if (!/^\d{6}$/.test(code) || !user.totpSecret) return 'invalid';
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(user.totpSecret) });
    const delta = totp.validate({ token: code, window: 1, timestamp: now });
    if (delta === null) return 'invalid';
    const counter = Math.floor(now / 30_000) + delta;
    if (counter <= (this.lastCounter.get(user.id) ?? -1)) return 'invalid';
    this.lastCounter.set(user.id, counter);
    return 'ok';
  }

  clear(): void {
    this.lastCounter.clear();
  }
}
