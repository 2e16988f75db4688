import type { EntityType } from '@fieldsync/canonical-model';
import { VendorWriteError, type VendorRecord, type WriteContext } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import { forgetTeamDirectory, memberId, teamDirectory } from '../readers/team-directory.util';
import { WEB_PAGE_SIZE } from '../readers/paging.util';
import { workizClient } from '../workiz.readers';
import {
  workizJobRecordSchema,
  workizJobSchema,
  workizLeadSchema,
  workizOneSchema,
  workizWebPageSchema,
  type WorkizJob,
} from '../workiz.schemas';

/*
 * Read-backs for the write side: the records a write made or changed, read from Workiz after the write and
 * validated with the read side's wire schemas (workiz.schemas.ts), built as the readers build them (a
 * job with its team resolved, and as its visit), so the writer maps them with the extractor's mapper and
 * the canonical store holds what the next read gives. Shared by each write's `find` and `execute`.
 */

export type WriteRecord = Extract<VendorRecord, { kind: 'record' }>;

function valid<S extends z.ZodType>(
  entity: EntityType,
  schema: S,
  raw: unknown,
  externalId: string,
): WriteRecord {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new VendorWriteError(
      'vendor_rejected',
      `Workiz ${entity} ${externalId} read back does not fit its wire schema: ${parsed.error.issues
        .map((i) => i.path.join('.'))
        .join(', ')}`,
    );
  }
  return { kind: 'record', entity, externalId, raw: parsed.data, deleted: false };
}

/** A job as the jobs stream yields it (`job/get/<UUID>/`): the job and its visit, and the API row. */
export async function readJob(
  ctx: WriteContext,
  uuid: string,
): Promise<{ job: WorkizJob; records: WriteRecord[] }> {
  const body = workizOneSchema.parse(await workizClient.apiGet(ctx, `/job/get/${encodeURIComponent(uuid)}/`));
  const job = workizJobSchema.safeParse(body.data);
  if (!job.success)
    throw new VendorWriteError(
      'vendor_rejected',
      `Workiz job ${uuid} read back does not fit its wire schema`,
    );
  // A write reads the team fresh: a member renamed or added a moment ago is named as Workiz names it now.
  forgetTeamDirectory(ctx);
  const team = await teamDirectory(workizClient, ctx, job.data.Team);
  const raw = {
    job: job.data,
    TeamMembers: job.data.Team.map((name) => ({ name, id: memberId(team, name) })),
  };
  return {
    job: job.data,
    records: [
      valid('job', workizJobRecordSchema, raw, uuid),
      valid('appointment', workizJobRecordSchema, raw, uuid),
    ],
  };
}

/** A lead (`lead/get/<UUID>/`). */
export async function readLead(ctx: WriteContext, uuid: string): Promise<WriteRecord> {
  const body = workizOneSchema.parse(
    await workizClient.apiGet(ctx, `/lead/get/${encodeURIComponent(uuid)}/`),
  );
  return valid('lead', workizLeadSchema, body.data, uuid);
}

/** A web app list: its path, the key of its rows, and the id field of a row. */
export interface WebList {
  readonly path: string;
  readonly key: string;
  readonly idField: string;
}

async function webPage(
  ctx: WriteContext,
  list: WebList,
  page: number,
): Promise<{ rows: Record<string, unknown>[]; total: number }> {
  const body = await workizClient.webGet(ctx, list.path, {
    page: String(page),
    per_page: String(WEB_PAGE_SIZE),
  });
  const head = workizWebPageSchema.parse(body);
  const rows = (body as Record<string, unknown>)[list.key];
  if (!Array.isArray(rows))
    throw new VendorWriteError('vendor_rejected', `Workiz ${list.path}: no ${list.key} in the answer`);
  return { rows: rows as Record<string, unknown>[], total: head.total };
}

/**
 * One row of a web app list by id: the lists are in id order, so the page holding it is found by halving
 * (a few calls however long the list). Null when no row has that id.
 */
export async function webRowById(
  ctx: WriteContext,
  list: WebList,
  id: number,
): Promise<Record<string, unknown> | null> {
  const first = await webPage(ctx, list, 1);
  let low = 1;
  let high = Math.max(1, Math.ceil(first.total / WEB_PAGE_SIZE));
  for (let guard = 0; guard < 40 && low <= high; guard++) {
    const mid = Math.floor((low + high) / 2);
    const { rows } = mid === 1 ? first : await webPage(ctx, list, mid);
    const ids = rows.map((r) => Number(r[list.idField]));
    const found = rows.find((r) => Number(r[list.idField]) === id);
    if (found) return found;
    if (ids.length === 0 || id < (ids[0] as number)) high = mid - 1;
    else if (id > (ids[ids.length - 1] as number)) low = mid + 1;
    else return null;
  }
  return null;
}

/** The newest rows of a web app list (its last `pages` pages, newest last), for a marker or natural-key search. */
export async function newestRows(
  ctx: WriteContext,
  list: WebList,
  pages = 2,
): Promise<Record<string, unknown>[]> {
  const first = await webPage(ctx, list, 1);
  const last = Math.max(1, Math.ceil(first.total / WEB_PAGE_SIZE));
  const out: Record<string, unknown>[] = [];
  for (let page = Math.max(1, last - pages + 1); page <= last; page++) {
    out.push(...(page === 1 ? first.rows : (await webPage(ctx, list, page)).rows));
  }
  return out;
}

/** A web app row validated as `entity`. */
export const webRecord = <S extends z.ZodType>(
  entity: EntityType,
  schema: S,
  row: unknown,
  externalId: string,
) => valid(entity, schema, row, externalId);
