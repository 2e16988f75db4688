import { Kysely, sql } from 'kysely';

// The REST API's feeds: `GET /events?after=<position>` reads a tenant's published change events in
// position order (the order the relay published them), `GET /audit-log` a tenant's audit entries newest
// first, by action.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index change_events_tenant_position_idx on change_events (tenant_id, position)
      where published_at is not null;
    create index audit_log_tenant_action_created_idx on audit_log (tenant_id, action, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index audit_log_tenant_action_created_idx;
    drop index change_events_tenant_position_idx;
  `.execute(db);
}
