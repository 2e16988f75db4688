import { Kysely, sql } from 'kysely';

// A replayed answer must be the stored answer, byte for byte: jsonb reorders an object's keys, so the
// REST API's stored response body becomes the JSON text it sent.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table api_idempotency_keys alter column response_body type text using response_body::text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table api_idempotency_keys alter column response_body type jsonb using response_body::jsonb;
  `.execute(db);
}
