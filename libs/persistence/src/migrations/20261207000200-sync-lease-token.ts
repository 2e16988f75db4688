import { Kysely, sql } from 'kysely';

// A stream's lease belongs to one claim, not to a worker: `lease_token` is new at every claim, and every
// write of a run checks it with the owner. Before, a worker whose run outlived its lease (a stalled event
// loop, a slow page) could claim the same stream again, and its old run, still passing the owner check,
// could then commit a page older than the new run's.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_cursors add column lease_token text;
    alter table sync_cursors add constraint sync_cursors_lease_token_check
      check ((lease_owner is null) = (lease_token is null));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_cursors drop constraint sync_cursors_lease_token_check;
    alter table sync_cursors drop column lease_token;
  `.execute(db);
}
