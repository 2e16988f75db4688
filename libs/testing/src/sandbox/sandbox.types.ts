/* Shapes of the vendor sandbox's control API (`/__sandbox/…`) as the tests read them. */

export interface SandboxUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  mfa: string;
  phone: string | null;
  email: string | null;
  totpSecret: string | null;
  sso: boolean;
  locked: boolean;
}

export interface OutboxMessage {
  id: number;
  channel: 'sms' | 'email';
  to: string;
  userId: string;
  code: string | null;
  body: string;
  /** ISO-8601 */
  sentAt: string;
}

export interface LoginCounts {
  attempts: number;
  successes: number;
  failures: number;
  mfaPrompts: number;
  lockouts: number;
}

export interface LoginsReport {
  total: LoginCounts;
  users: Record<string, LoginCounts>;
  locked: string[];
  activeSessions: Record<string, number>;
}
