import type { TestUserSpec } from '../../portal/portal.types';

/**
 * Housecall Pro test users (README "Vendor sandbox" lists them; tests and development only). Housecall
 * Pro's only second factor is an SMS code, asked on EVERY sign-in once two-step verification is on
 * (vendors.md §3 [help]); the office user has it off. Roles are the pro app's own names.
 */
export const HOUSECALLPRO_USERS: readonly TestUserSpec[] = [
  {
    id: 'housecallpro-owner',
    username: 'owner@brightside-plumbing.example',
    password: 'Sandbox!Owner1',
    displayName: 'Hana Owner',
    role: 'admin (two-step verification: SMS code on every sign-in)',
    mfa: 'sms',
    email: 'owner@brightside-plumbing.example',
    phone: '+15555550401',
  },
  {
    id: 'housecallpro-office',
    username: 'office@brightside-plumbing.example',
    password: 'Sandbox!Office1',
    displayName: 'Omar Office',
    role: 'office staff (two-step verification off)',
    mfa: 'none',
    email: 'office@brightside-plumbing.example',
  },
];
