import type { EntityType } from '@fieldsync/canonical-model';
import { VendorWriteError, type VendorRecord, type WriteContext } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import { HousecallProCallError, HousecallProClient } from '../housecallpro.client';
import {
  housecallproAppointmentRecordSchema,
  housecallproCustomerSchema,
  housecallproEstimateSchema,
  housecallproJobSchema,
  housecallproPageSchema,
  housecallproServiceAddressSchema,
  type HousecallProCustomer,
  type HousecallProEstimate,
  type HousecallProJob,
} from '../housecallpro.schemas';
import { validatedRecord } from '../readers/wire-record.util';

/*
 * Read-backs for the write side: the records a write made, read from Housecall Pro after the write and
 * validated with the read side's wire schemas (housecallpro.schemas.ts), so the writer maps them with the
 * same mapper as the extractor and the canonical store holds what the next read would give: a customer
 * with its service addresses as locations (as the customers stream yields them), a job with its
 * appointments (as the jobs stream does). Shared by each write's `find` and `execute`, with the searches
 * `find` runs.
 */

export type WriteRecord = Extract<VendorRecord, { kind: 'record' }>;

export const client = new HousecallProClient();

/** A payload against its wire schema; one that does not fit is drift the write cannot hand on. */
export function recordOf(entity: EntityType, schema: z.ZodType, raw: unknown): WriteRecord {
  const record = validatedRecord(entity, schema, raw, () => false);
  if (record.kind === 'record') return record;
  throw new VendorWriteError(
    'vendor_rejected',
    `Housecall Pro: the ${entity} read back does not fit the wire schema (${record.issues
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')})`,
  );
}

async function read(ctx: WriteContext, entity: EntityType, path: string, query: Record<string, string> = {}) {
  try {
    return await client.get(ctx, path, query);
  } catch (error) {
    if (error instanceof HousecallProCallError && error.status === 404) {
      throw new VendorWriteError('not_found', `Housecall Pro has no ${entity} at ${path} to read back`);
    }
    throw error;
  }
}

/** The vendor's record as Housecall Pro now has it, validated (the primary record of a read-back). */
export async function readBack(
  ctx: WriteContext,
  entity: EntityType,
  externalId: string,
): Promise<WriteRecord> {
  const id = encodeURIComponent(externalId);
  switch (entity) {
    case 'customer':
      return recordOf('customer', housecallproCustomerSchema, await read(ctx, entity, `/customers/${id}`));
    case 'job':
      return recordOf(
        'job',
        housecallproJobSchema,
        await read(ctx, entity, `/jobs/${id}`, { 'expand[]': 'appointments' }),
      );
    case 'estimate':
      return recordOf('estimate', housecallproEstimateSchema, await read(ctx, entity, `/estimates/${id}`));
    default:
      throw new Error(`readBack: no Housecall Pro read-back for ${entity}`);
  }
}

export interface CustomerRead {
  readonly customer: HousecallProCustomer;
  /** The customer first, then its service addresses as locations (as the customers stream yields them). */
  readonly records: readonly WriteRecord[];
}

/** A customer's records from the customer row (as read or as a write answered it). */
export function customerRecords(raw: unknown): CustomerRead {
  const record = recordOf('customer', housecallproCustomerSchema, raw);
  const customer = record.raw as HousecallProCustomer;
  const locations = customer.addresses
    .filter((a) => a.type === 'service')
    .map((a) =>
      recordOf('location', housecallproServiceAddressSchema, {
        ...a,
        customer_id: customer.id,
        customer_created_at: customer.created_at,
        customer_updated_at: customer.updated_at,
      }),
    );
  return { customer, records: [record, ...locations] };
}

export async function readCustomer(ctx: WriteContext, id: string): Promise<CustomerRead> {
  return customerRecords((await readBack(ctx, 'customer', id)).raw);
}

export interface JobRead {
  readonly job: HousecallProJob;
  /** The job first, then its appointments (as the jobs stream yields them). */
  readonly records: readonly WriteRecord[];
}

export async function readJob(ctx: WriteContext, id: string): Promise<JobRead> {
  const record = await readBack(ctx, 'job', id);
  const job = record.raw as HousecallProJob;
  const appointments = (job.schedule.appointments ?? []).map((a) =>
    recordOf('appointment', housecallproAppointmentRecordSchema, {
      ...a,
      job_id: job.id,
      job_work_status: job.work_status,
      job_created_at: job.created_at,
    }),
  );
  return { job, records: [record, ...appointments] };
}

export async function readEstimate(
  ctx: WriteContext,
  id: string,
): Promise<{ estimate: HousecallProEstimate; record: WriteRecord }> {
  const record = await readBack(ctx, 'estimate', id);
  return { estimate: record.raw as HousecallProEstimate, record };
}

/** Pages a search may read before giving up: a find is not a backfill. */
const MAX_SEARCH_PAGES = 10;
const PAGE_SIZE = 100;
/** How far before the first attempt `find` looks (clock skew between us and the vendor). */
const FIND_SLACK_MS = 2 * 60_000;

/**
 * The rows of a list (`/customers`, `/jobs`, `/estimates`) created since the command's first attempt (less
 * a slack), newest first (`sort_by=created_at&sort_direction=desc`, read until a row is older): where
 * `find` looks for a command's marker or natural key. `query` narrows the list where it has filters.
 */
export async function createdSince(
  ctx: WriteContext,
  path: string,
  key: string,
  query: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const since = ctx.firstAttemptAt.getTime() - FIND_SLACK_MS;
  const out: Record<string, unknown>[] = [];
  for (let page = 1; page <= MAX_SEARCH_PAGES; page++) {
    const body = housecallproPageSchema.parse(
      await client.get(ctx, path, {
        ...query,
        sort_by: 'created_at',
        sort_direction: 'desc',
        page_size: String(PAGE_SIZE),
        page: String(page),
      }),
    );
    const rows = (body[key] as unknown[] | undefined) ?? [];
    for (const row of rows) {
      if (row === null || typeof row !== 'object') continue;
      const r = row as Record<string, unknown>;
      const created = typeof r['created_at'] === 'string' ? Date.parse(r['created_at']) : NaN;
      if (created < since) return out;
      out.push(r);
    }
    if (page >= body.total_pages) return out;
  }
  throw new VendorWriteError(
    'vendor_rejected',
    `Housecall Pro ${path}: more than ${String(MAX_SEARCH_PAGES * PAGE_SIZE)} rows created since the command's first attempt`,
  );
}
