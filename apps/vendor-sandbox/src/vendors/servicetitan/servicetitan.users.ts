import type { TestUserSpec } from '../../portal/portal.types';

/** ServiceTitan test users (README "Vendor sandbox" lists them; tests and development only). */
export const SERVICETITAN_USERS: readonly TestUserSpec[] = [
  {
    id: 'st-admin',
    username: 'st.admin',
    password: 'Sandbox!Admin1',
    displayName: 'Avery Admin',
    role: 'Admin',
    mfa: 'totp',
    email: 'avery.admin@northwind-hvac.example',
    totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  },
  {
    id: 'st-dispatch',
    username: 'st.dispatch',
    password: 'Sandbox!Dispatch1',
    displayName: 'Dana Dispatch',
    role: 'Dispatch',
    mfa: 'sms',
    phone: '+15555550101',
  },
  {
    id: 'st-csr',
    username: 'st.csr',
    password: 'Sandbox!Csr1',
    displayName: 'Casey CSR',
    role: 'CSR',
    mfa: 'totp',
    totpSecret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
  },
  {
    id: 'st-sso',
    username: 'st.sso',
    password: 'Sandbox!Sso1',
    displayName: 'Sam Single-Sign-On',
    role: 'Accounting',
    mfa: 'none',
    email: 'sam@northwind-hvac.example',
    sso: true,
  },
];
