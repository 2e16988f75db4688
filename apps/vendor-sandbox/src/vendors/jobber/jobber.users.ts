import type { TestUserSpec } from '../../portal/portal.types';

/** Jobber test users (README "Vendor sandbox" lists them; tests and development only). */
export const JOBBER_USERS: readonly TestUserSpec[] = [
  {
    id: 'jobber-owner',
    username: 'owner@greenleaf-hvac.example',
    password: 'Sandbox!Owner1',
    displayName: 'Olive Owner',
    role: 'Account owner (Jobber Payments: SMS two-step on an unrecognised device)',
    mfa: 'sms',
    email: 'owner@greenleaf-hvac.example',
    phone: '+15555550201',
  },
  {
    id: 'jobber-office',
    username: 'office@greenleaf-hvac.example',
    password: 'Sandbox!Office1',
    displayName: 'Oscar Office',
    role: 'Office staff (no two-step)',
    mfa: 'none',
    email: 'office@greenleaf-hvac.example',
  },
];
