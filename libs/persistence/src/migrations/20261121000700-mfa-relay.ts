import { Kysely, sql } from 'kysely';

// The inbound MFA relay of the session manager: SMS and email codes posted by a provider (or read
// from the vendor sandbox's outbox) wait here until a login claims them.
// - Only the code is kept, sealed by the vault (`code_encrypted`, `key_id`; context
//   `mfa_messages/<id>/code`); the message body is never stored.
// - `destination` is normalised (E.164 phone with leading +, lower-cased email) so a provider's `To` and
//   a connection's configured destination compare equal.
// - `external_id` is the provider's message id (Twilio `MessageSid`, a sandbox outbox message): a
//   redelivered message is stored once, even when several replicas poll the same sandbox outbox.
// - `consumed_by` is a connection id without a foreign key: rows live one hour (purged by the service)
//   and must not block deleting a connection.
// - Every insert NOTIFYs `mfa_messages` with `{ channel, destination }` (never the code) so a waiting
//   login wakes at once instead of at its next poll.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mfa_messages (
      id text primary key,
      channel text not null check (channel in ('sms', 'email')),
      destination text not null,
      sender text,
      code_encrypted bytea not null,
      key_id text not null,
      external_id text unique,
      received_at timestamptz not null,
      consumed_at timestamptz,
      consumed_by text,
      created_at timestamptz not null default now(),
      check ((consumed_at is null) = (consumed_by is null))
    );
    create index mfa_messages_pending_idx on mfa_messages (destination, received_at)
      where consumed_at is null;
    create index mfa_messages_created_at_idx on mfa_messages (created_at);

    create function mfa_messages_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify(
        'mfa_messages',
        json_build_object('channel', new.channel, 'destination', new.destination)::text
      );
      return null;
    end
    $$;
    create trigger mfa_messages_notify after insert on mfa_messages
      for each row execute function mfa_messages_notify();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table mfa_messages;
    drop function mfa_messages_notify();
  `.execute(db);
}
