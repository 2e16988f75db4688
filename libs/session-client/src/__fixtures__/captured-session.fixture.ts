import type { CapturedSession } from '@fieldsync/connector-kit';

/** Distinctive secret values, so a test can prove they appear in no error message. */
export const SECRET_COOKIE_VALUE = 'st-session-7f3a9c1e0b5d42f8';
export const SECRET_BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig';

export function capturedSessionFixture(overrides: Partial<CapturedSession> = {}): CapturedSession {
  return {
    vendor: 'servicetitan',
    portalUrl: 'http://127.0.0.1:4101',
    cookies: [
      {
        name: 'st_session',
        value: SECRET_COOKIE_VALUE,
        domain: '127.0.0.1',
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: 'Lax',
      },
    ],
    headers: { 'x-csrf-token': 'csrf-5d2c', authorization: SECRET_BEARER },
    user: { id: 'u_17', name: 'Dana Dispatcher', role: 'dispatcher', entitlements: ['jobs', 'clients'] },
    establishedAt: '2026-11-21T08:00:00.000Z',
    expiresAt: '2026-11-21T20:00:00.000Z',
    deviceCookies: [],
    ...overrides,
  };
}
