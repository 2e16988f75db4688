import { Kysely, sql } from 'kysely';

// One change log for every producer of events (DESIGN "State"): the webhook dispatcher's operational
// events (`endpoint.disabled`, `message.attempt.exhausted`), which belong to a tenant and no connection,
// move from their own outbox (`webhook_operational_outbox`, published by a second relay) into
// `change_events`, published by the one outbox relay.
//
// - `change_events.connection_id` becomes nullable: null for a tenant-scoped event.
// - `tenant_event_sequences` numbers a tenant's tenant-scoped events as `connection_sequences` numbers a
//   connection's: gap-free, allocated under the counter row's lock in the inserting transaction.
// - Unpublished rows of the old outbox are carried over, numbered per tenant in their creation order, with
//   the number written into the CloudEvent's `sequence` attribute; the old table goes.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table change_events alter column connection_id drop not null;
    create unique index change_events_tenant_sequence_idx on change_events (tenant_id, sequence)
      where connection_id is null;

    create table tenant_event_sequences (
      tenant_id text primary key references tenants (id) on delete cascade,
      last_sequence bigint not null default 0 check (last_sequence >= 0),
      updated_at timestamptz not null default now()
    );

    with ordered as (
      select o.id, o.tenant_id, o.subject, o.payload, o.created_at,
             row_number() over (partition by o.tenant_id order by o.created_at, o.id) as n
      from webhook_operational_outbox o
      join tenants t on t.id = o.tenant_id
      where o.published_at is null
    ),
    moved as (
      insert into change_events
        (id, tenant_id, connection_id, sequence, subject, type, entity_type, entity_id, payload, created_at)
      select id, tenant_id, null, n, subject, payload ->> 'type', split_part(payload ->> 'type', '.', 1),
             payload ->> 'subject',
             jsonb_set(payload, '{sequence}', to_jsonb(lpad(n::text, 16, '0')))::text, created_at
      from ordered
      order by created_at, id
      returning tenant_id, sequence
    )
    insert into tenant_event_sequences (tenant_id, last_sequence)
    select tenant_id, max(sequence) from moved group by tenant_id;

    drop table webhook_operational_outbox;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook_operational_outbox (
      id text primary key,
      tenant_id text not null,
      subject text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    );
    create index webhook_operational_outbox_unpublished_idx on webhook_operational_outbox (created_at)
      where published_at is null;

    insert into webhook_operational_outbox (id, tenant_id, subject, payload, created_at, published_at)
    select id, tenant_id, subject, payload::jsonb - 'sequence', created_at, published_at
    from change_events where connection_id is null;
    delete from change_events where connection_id is null;

    drop table tenant_event_sequences;
    drop index change_events_tenant_sequence_idx;
    alter table change_events alter column connection_id set not null;
  `.execute(db);
}
