import { Kysely, sql } from 'kysely';

// The outbox keeps each event as the exact text the relay publishes (and the webhook dispatcher signs
// and delivers), not as jsonb: jsonb reorders keys, and a round trip through the driver (JSON.parse,
// JSON.stringify) loses the money formatting of the canonical wire form (`1403.00` becomes `1403`).
// The text is written once by ChangeEventRepository with the canonical serialiser and published as is.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table change_events alter column payload type text using payload::text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table change_events alter column payload type jsonb using payload::jsonb`.execute(db);
}
