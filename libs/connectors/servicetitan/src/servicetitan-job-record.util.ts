import type { CallContext, ServiceTitanClient } from './servicetitan.client';
import { listAll } from './servicetitan-list.util';
import {
  servicetitanTagTypeSchema,
  type ServiceTitanJob,
  type ServiceTitanTagType,
} from './servicetitan.schemas';

/*
 * A job record (servicetitanJobRecordSchema) is the job row plus the tag types its `tagTypeIds` name:
 * ServiceTitan's job row carries tag ids only, and tags are per tenant (settings `tag-types`), so the
 * names are looked up where there is a session (the jobs reader, the write side's read-back) and the
 * mapper stays pure. The same helper builds both, so a job read back after a write is exactly the job
 * the next poll yields.
 */

/**
 * The tenant's tag types, active or not (a job keeps a tag that was deactivated after it was set). A row
 * that does not fit its schema is left out: the jobs naming it then fail their record schema (drift),
 * so the tag is never dropped silently.
 */
export async function listTagTypes(
  client: ServiceTitanClient,
  ctx: CallContext,
): Promise<ServiceTitanTagType[]> {
  const rows = await listAll(client, ctx, 'settings', 'tag-types', { active: 'Any' });
  return rows
    .flatMap((raw) => {
      const parsed = servicetitanTagTypeSchema.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    })
    .sort((a, b) => a.id - b.id);
}

/** The job record's raw payload: the row and the tag types it names, in the row's order. */
export function jobRecordRaw(
  job: ServiceTitanJob,
  tagTypes: readonly ServiceTitanTagType[],
): { job: ServiceTitanJob; tagTypes: ServiceTitanTagType[] } {
  const byId = new Map(tagTypes.map((t) => [t.id, t]));
  const named = [...new Set(job.tagTypeIds)].flatMap((id) => {
    const tagType = byId.get(id);
    return tagType ? [tagType] : [];
  });
  return { job, tagTypes: named };
}

/** Whether any of the jobs has a tag (the look-up is needed). */
export const anyTagged = (jobs: readonly Pick<ServiceTitanJob, 'tagTypeIds'>[]): boolean =>
  jobs.some((job) => job.tagTypeIds.length > 0);
