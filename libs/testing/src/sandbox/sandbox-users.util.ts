import * as OTPAuth from 'otpauth';
import type { PortalHandle } from './sandbox.fixture';
import type { SandboxUser } from './sandbox.types';

/** The TOTP code of a base32 secret now (or `offsetMs` away). */
export function totpCode(secret: string, offsetMs = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + offsetMs,
  });
}

/** A test user of the portal as `GET /__sandbox/users` lists it (TOTP secret included). */
export async function userOf(portal: PortalHandle, username: string): Promise<SandboxUser> {
  const { users } = await portal.control<{ users: SandboxUser[] }>('GET', 'users');
  const user = users.find((u) => u.username === username);
  if (!user) throw new Error(`no test user ${username}`);
  return user;
}
