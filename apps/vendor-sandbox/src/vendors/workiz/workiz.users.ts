import type { TestUserSpec } from '../../portal/portal.types';

/**
 * Workiz test users (README "Vendor sandbox" lists them; tests and development only). Workiz's 2FA is
 * optional per user, by SMS or by email code (help.workiz.com): one user of each, and one without.
 */
export const WORKIZ_USERS: readonly TestUserSpec[] = [
  {
    id: 'workiz-admin',
    username: 'admin@workiz.sandbox.example',
    password: 'Sandbox!Admin1',
    displayName: 'Ada Admin',
    role: 'Admin (no two-factor)',
    mfa: 'none',
    email: 'admin@workiz.sandbox.example',
  },
  {
    id: 'workiz-owner',
    username: 'owner@workiz.sandbox.example',
    password: 'Sandbox!Owner1',
    displayName: 'Owen Owner',
    role: 'Owner (two-factor by SMS)',
    mfa: 'sms',
    email: 'owner@workiz.sandbox.example',
    phone: '+15555550301',
  },
  {
    id: 'workiz-office',
    username: 'office@workiz.sandbox.example',
    password: 'Sandbox!Office1',
    displayName: 'Olga Office',
    role: 'Office manager (two-factor by email)',
    mfa: 'email',
    email: 'office@workiz.sandbox.example',
  },
];
