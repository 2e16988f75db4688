import type { TestUserSpec } from '../../portal/portal.types';

/**
 * Total Office Manager test users (README "Vendor sandbox" lists them; tests and development only). TOM
 * signs in with its own user names (`tomrds\user123` style on Aptora Hosted); passwords follow its rule
 * (at least 7 characters with a letter and a digit). TOM documents no second factor; the sandbox offers
 * the optional ones the issue names (a TOTP app, an emailed code), one user each, and one without.
 */
export const TOM_USERS: readonly TestUserSpec[] = [
  {
    id: 'tom-admin',
    username: 'tomrds\\admin01',
    password: 'Sandbox1Admin',
    displayName: 'Ada Admin',
    role: 'Administrator',
    mfa: 'none',
    email: 'admin@tom.sandbox.example',
  },
  {
    id: 'tom-office',
    username: 'tomrds\\office02',
    password: 'Sandbox2Office',
    displayName: 'Olga Office',
    role: 'Office (two-factor by authenticator app)',
    mfa: 'totp',
    email: 'office@tom.sandbox.example',
    totpSecret: 'KRHU2X3TIFXEI3DPIJXXQMJSGM2DKNRX',
  },
  {
    id: 'tom-dispatch',
    username: 'tomrds\\dispatch03',
    password: 'Sandbox3Dispatch',
    displayName: 'Dan Dispatch',
    role: 'Dispatcher (two-factor by email code)',
    mfa: 'email',
    email: 'dispatch@tom.sandbox.example',
  },
];

/** TOM's password rule: at least 7 characters, at least one letter and one digit. */
export function meetsTomPasswordRule(password: string): boolean {
  return password.length >= 7 && /[A-Za-z]/.test(password) && /\d/.test(password);
}
