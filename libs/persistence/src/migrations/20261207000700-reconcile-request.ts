import { Kysely, sql } from 'kysely';

// An operator (or a test) can ask for a reconciliation pass now instead of waiting for
// EXTRACTOR_RECONCILE_INTERVAL: `reconcile_requested_at` is when the latest request was made. A stream
// without delete signals begins a pass at its next run unless a pass already began at or after the
// request (the cursor state's `passStartedAt`, in the database's clock as this column is). Nothing clears
// it: a request is answered once a pass that began after it completes.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_cursors add column reconcile_requested_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_cursors drop column reconcile_requested_at`.execute(db);
}
