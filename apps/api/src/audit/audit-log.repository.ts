import type { DB } from '@fieldsync/persistence';
import type { Kysely } from 'kysely';

export interface AuditEntry {
  readonly tenantId: string | null;
  /** `operator` or `key:<id>`. */
  readonly actor: string;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly details: Record<string, unknown>;
  readonly requestId: string;
}

/** audit_log: who did what to which tenant, when, with which outcome. */
export class AuditLogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        tenant_id: entry.tenantId,
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        details: JSON.stringify(entry.details),
        request_id: entry.requestId,
      })
      .execute();
  }
}
