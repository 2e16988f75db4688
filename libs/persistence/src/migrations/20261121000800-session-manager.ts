import { Kysely, sql } from 'kysely';

// What the session manager needs beside the tenancy tables:
// - connections: where SMS/email codes arrive (`mfa_destination`, a phone number or address: personal
//   data, not a secret), the IdP login of SSO users, the last TOTP time step used (a vendor accepts a
//   code once, so the next login waits for a fresh step), and the failure policy's state (consecutive
//   retriable failures, when the next login may be tried).
// - sessions: who the session acts as (`user_info`: id, name, role, entitlements; no secret), when the
//   vendor accepted it, and the recognised-device cookies kept across logins (encrypted, like the
//   session state itself, under `key_id`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table connections
      add column mfa_destination text,
      add column sso_username text,
      add column totp_last_step bigint,
      add column consecutive_failures integer not null default 0,
      add column next_login_at timestamptz,
      add constraint connections_mfa_destination_check
        check (mfa_method not in ('sms', 'email') or mfa_destination is not null),
      add constraint connections_totp_secret_check
        check (mfa_method <> 'totp' or mfa_secret_encrypted is not null);

    alter table sessions
      add column user_info jsonb,
      add column established_at timestamptz,
      add column device_state_encrypted bytea,
      add column invalidated_reason text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sessions
      drop column invalidated_reason,
      drop column device_state_encrypted,
      drop column established_at,
      drop column user_info;
    alter table connections
      drop constraint connections_totp_secret_check,
      drop constraint connections_mfa_destination_check,
      drop column next_login_at,
      drop column consecutive_failures,
      drop column totp_last_step,
      drop column sso_username,
      drop column mfa_destination;
  `.execute(db);
}
