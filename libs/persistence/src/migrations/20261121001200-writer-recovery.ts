import { Kysely, sql } from 'kysely';

// The writer's recovery points. An idempotency key records how far its command got:
//   started              the key and request hash are stored; the vendor has not been called
//   vendor_call_started  a vendor call may have been made: look for the command's marker first
//   vendor_call_done     the vendor accepted; `recovery` holds what it returned (vendor ids, records)
// and `state` is final once the result is stored (`completed`), or `failed` when a retriable failure
// ended the attempt (the same key may run again, from its recovery point). `locked_by`/`locked_at` is the
// lease of the writer executing it: a redelivery waits for a live lease and takes over an expired one.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table idempotency_keys
      add column recovery jsonb,
      add column attempts integer not null default 0,
      add column locked_by text,
      add column type text,
      add constraint idempotency_keys_recovery_point_check
        check (recovery_point in ('started', 'vendor_call_started', 'vendor_call_done'));
    create index idempotency_keys_in_flight_idx on idempotency_keys (locked_at) where state = 'in_progress';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index idempotency_keys_in_flight_idx;
    alter table idempotency_keys
      drop constraint idempotency_keys_recovery_point_check,
      drop column type,
      drop column locked_by,
      drop column attempts,
      drop column recovery;
  `.execute(db);
}
