import { Kysely, sql } from 'kysely';

// The relay publishes the outbox in `position` order: a bigserial taken when the row is inserted.
// Ordering by `created_at` was wrong: `now()` is the start of the inserting transaction, while the
// per-connection sequence is allocated later, under the connection's counter row lock. A transaction
// that began first but allocated second had the higher sequence and the earlier `created_at`, and the
// relay published a connection's events out of order. The insert happens while the counter row is
// locked (until commit), so within a connection `position` order is `sequence` order.
//
// Existing rows are numbered in (connection_id, sequence) order, which keeps every connection's order.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create sequence change_events_position_seq;
    alter table change_events add column position bigint;
    with ordered as (
      select id, row_number() over (order by connection_id, sequence) as n from change_events
    )
    update change_events c set position = o.n from ordered o where c.id = o.id;
    select setval('change_events_position_seq', coalesce((select max(position) from change_events), 0) + 1, false);
    alter table change_events
      alter column position set default nextval('change_events_position_seq'),
      alter column position set not null;
    alter sequence change_events_position_seq owned by change_events.position;
    drop index change_events_unpublished_idx;
    create index change_events_unpublished_idx on change_events (position) where published_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index change_events_unpublished_idx;
    create index change_events_unpublished_idx on change_events (created_at, connection_id, sequence)
      where published_at is null;
    alter table change_events drop column position;
  `.execute(db);
}
