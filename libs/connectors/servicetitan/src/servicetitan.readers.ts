import type { CurrencyCode, EntityType } from '@fieldsync/canonical-model';
import type {
  ConnectorReadSide,
  ReadPage,
  StreamReader,
  SyncContext,
  VendorRecord,
} from '@fieldsync/connector-kit';
import { z } from 'zod';
import { ServiceTitanClient } from './servicetitan.client';
import { anyTagged, jobRecordRaw, listTagTypes } from './servicetitan-job-record.util';
import { MAX_IDS_PER_CALL, chunks, envelope, listAll } from './servicetitan-list.util';
import { ServiceTitanMapper } from './servicetitan.mapper';
import {
  servicetitanAppointmentExportRowSchema,
  servicetitanAppointmentListRowSchema,
  servicetitanAppointmentRecordSchema,
  servicetitanAssignmentExportRowSchema,
  servicetitanAssignmentListRowSchema,
  servicetitanContactSchema,
  servicetitanCustomerSchema,
  servicetitanEquipmentSchema,
  servicetitanEstimateRecordSchema,
  servicetitanEstimateSchema,
  servicetitanExportPageSchema,
  servicetitanInstalledEquipmentSchema,
  servicetitanInvoiceSchema,
  servicetitanJobRecordSchema,
  servicetitanJobSchema,
  servicetitanListPageSchema,
  servicetitanLocationSchema,
  servicetitanMaterialSchema,
  servicetitanMembershipSchema,
  servicetitanPaymentSchema,
  servicetitanServiceSchema,
  servicetitanTechnicianSchema,
} from './servicetitan.schemas';

/*
 * The ServiceTitan streams: one per export feed (`/{module}/v2/tenant/{tenant}/export/{feed}`). A page
 * is one export batch; the checkpoint is the feed's `continueFrom` token, so a resumed stream gets
 * exactly the rows written after the last stored page, inactive and deleted ones included. Every row
 * is checked against its strict wire schema: a row that does not fit becomes a drift record with its
 * issues and the rest of the page goes on. Every resource the sandbox models has an export feed, so no
 * stream needs the `modifiedOnOrAfter` fallback.
 */

/** Near real time for the dispatch board, minutes for the rest, slow for the price book. */
const FAST_MS = 15_000;
const NORMAL_MS = 60_000;
const SLOW_MS = 15 * 60_000;

type Issue = { path: string; code: string; message: string };
type Drift = Extract<VendorRecord, { kind: 'drift' }>;

function issuesOf(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
    code: issue.code,
    message: issue.message,
  }));
}

/** The `id` of a payload that failed its schema, when it can still be read. */
function idOf(raw: unknown): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)['id'];
  return typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null;
}

function drift(entity: EntityType, raw: unknown, issues: Issue[], externalId = idOf(raw)): Drift {
  return { kind: 'drift', entity, externalId, raw, issues };
}

/** One export feed: where it is, what its rows look like, and what deletion looks like in them. */
interface ExportFeed<S extends z.ZodType> {
  readonly stream: string;
  readonly module: string;
  readonly feed: string;
  readonly entity: EntityType;
  readonly intervalMs: number;
  readonly row: S;
  /** Whether rows say "deleted" (and then `deleted(row)` says which); false: inactive ≠ deleted. */
  readonly signalsDeletes: boolean;
  /** The entities a complete pass sees in full (StreamReader.reconciles); default: the feed's entity. */
  readonly reconciles?: readonly EntityType[];
  /** A pass from the start reports the feed's row count (default true; a chained part's alone says little). */
  readonly reportsTotal?: boolean;
  deleted(row: z.infer<S>): boolean;
  /** Valid rows → records (default: one record per row, the row as raw). */
  records?(
    ctx: SyncContext,
    client: ServiceTitanClient,
    rows: readonly z.infer<S>[],
  ): Promise<VendorRecord[]>;
}

class ExportStreamReader<S extends z.ZodType> implements StreamReader {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  readonly signalsDeletes: boolean;
  readonly reconciles?: readonly EntityType[];

  constructor(
    private readonly client: ServiceTitanClient,
    private readonly feed: ExportFeed<S>,
  ) {
    this.stream = feed.stream;
    this.entities = [feed.entity];
    this.intervalMs = feed.intervalMs;
    this.signalsDeletes = feed.signalsDeletes;
    if (feed.reconciles) this.reconciles = feed.reconciles;
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const { module, feed } = this.feed;
    // A pass from the start reports how many rows to expect (the backfill's ETA).
    const total =
      checkpoint === null && this.feed.reportsTotal !== false ? await this.countRows(ctx) : undefined;
    const body = await this.client.get(
      ctx,
      module,
      `export/${feed}`,
      checkpoint === null ? {} : { from: checkpoint },
    );
    const page = envelope(servicetitanExportPageSchema, body, `${module}/export/${feed}`);
    const drifts: VendorRecord[] = [];
    const rows: z.infer<S>[] = [];
    for (const raw of page.data) {
      const parsed = this.feed.row.safeParse(raw);
      if (parsed.success) rows.push(parsed.data);
      else drifts.push(drift(this.feed.entity, raw, issuesOf(parsed.error)));
    }
    const records = this.feed.records
      ? await this.feed.records(ctx, this.client, rows)
      : rows.map((row) => this.record(row));
    return {
      records: [...records, ...drifts],
      checkpoint: page.continueFrom,
      caughtUp: !page.hasMore,
      ...(total === undefined ? {} : { total }),
    };
  }

  /**
   * The feed's row count from its transactional list (`includeTotal`, every row active or not): an
   * estimate of what a pass from the start reads (exports also hold deleted rows). A rate limit or
   * outage is the page's failure like any call; an unreadable count only leaves the ETA out.
   */
  private async countRows(ctx: SyncContext): Promise<number | undefined> {
    const { module, feed } = this.feed;
    const body = await this.client.get(ctx, module, feed, {
      page: '1',
      pageSize: '1',
      includeTotal: 'true',
      active: 'Any',
    });
    const parsed = servicetitanListPageSchema.safeParse(body);
    return parsed.success ? (parsed.data.totalCount ?? undefined) : undefined;
  }

  private record(row: z.infer<S>): VendorRecord {
    const externalId = idOf(row);
    if (externalId === null) throw new Error(`ServiceTitan export/${this.feed.feed}: a valid row has no id`);
    return {
      kind: 'record',
      entity: this.feed.entity,
      externalId,
      raw: row,
      deleted: this.feed.deleted(row),
    };
  }
}

/** Checkpoint of a chained stream: which feed is being read and each feed's `continueFrom`. */
const chainCheckpointSchema = z
  .object({ phase: z.number().int().nonnegative(), from: z.array(z.string().nullable()) })
  .strict();

/**
 * Several export feeds read one after the other as one stream. A page is one batch of the current
 * feed; the stream is caught up after the last feed's last batch, and the next pass starts again at
 * the first feed from its own `continueFrom`.
 */
class ChainedExportReader implements StreamReader {
  readonly entities: readonly EntityType[];
  readonly signalsDeletes: boolean;

  constructor(
    readonly stream: string,
    readonly intervalMs: number,
    private readonly parts: readonly StreamReader[],
  ) {
    this.entities = [...new Set(parts.flatMap((p) => p.entities))];
    this.signalsDeletes = parts.every((p) => p.signalsDeletes);
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const state = this.state(checkpoint);
    const part = this.parts[state.phase];
    if (!part)
      throw new Error(`ServiceTitan ${this.stream}: checkpoint phase ${state.phase} is out of range`);
    const page = await part.readPage(ctx, state.from[state.phase] ?? null);
    const from = this.parts.map((_, i) => (i === state.phase ? page.checkpoint : (state.from[i] ?? null)));
    const last = state.phase === this.parts.length - 1;
    const phase = !page.caughtUp ? state.phase : last ? 0 : state.phase + 1;
    return {
      records: page.records,
      checkpoint: JSON.stringify({ phase, from }),
      caughtUp: page.caughtUp && last,
    };
  }

  private state(checkpoint: string | null): z.infer<typeof chainCheckpointSchema> {
    if (checkpoint === null) return { phase: 0, from: this.parts.map(() => null) };
    let json: unknown;
    try {
      json = JSON.parse(checkpoint);
    } catch {
      json = undefined;
    }
    const parsed = chainCheckpointSchema.safeParse(json);
    if (!parsed.success || parsed.data.from.length !== this.parts.length) {
      throw new Error(`ServiceTitan ${this.stream}: the checkpoint is not one of this stream's`);
    }
    return parsed.data;
  }
}

type AppointmentRow = z.infer<typeof servicetitanAppointmentListRowSchema>;

/**
 * Appointments with their current technicians: the canonical appointment carries `technicianIds`,
 * which ServiceTitan keeps in dispatch's appointment assignments (`appointmentIds` filter, 50 at a
 * time). An assignment row that does not fit its schema makes its chunk's appointments drift, so a
 * renamed field never silently drops a technician.
 */
async function appointmentRecords(
  ctx: SyncContext,
  client: ServiceTitanClient,
  appointments: readonly { row: AppointmentRow; deleted: boolean }[],
): Promise<VendorRecord[]> {
  const out: VendorRecord[] = [];
  for (const chunk of chunks(appointments, MAX_IDS_PER_CALL)) {
    const raws = await listAll(client, ctx, 'dispatch', 'appointment-assignments', {
      appointmentIds: chunk.map((a) => a.row.id).join(','),
    });
    const byAppointment = new Map<number, z.infer<typeof servicetitanAssignmentListRowSchema>[]>();
    const bad: Issue[] = [];
    raws.forEach((raw, index) => {
      const parsed = servicetitanAssignmentListRowSchema.safeParse(raw);
      if (!parsed.success) {
        bad.push(...issuesOf(parsed.error, `assignments.${index}`));
        return;
      }
      const list = byAppointment.get(parsed.data.appointmentId) ?? [];
      list.push(parsed.data);
      byAppointment.set(parsed.data.appointmentId, list);
    });
    for (const { row, deleted } of chunk) {
      const assignments = (byAppointment.get(row.id) ?? []).sort((a, b) => a.id - b.id);
      const raw = { appointment: row, assignments };
      if (bad.length > 0) {
        out.push(drift('appointment', { appointment: row, assignments: raws }, bad, String(row.id)));
        continue;
      }
      const parsed = servicetitanAppointmentRecordSchema.safeParse(raw);
      out.push(
        parsed.success
          ? { kind: 'record', entity: 'appointment', externalId: String(row.id), raw: parsed.data, deleted }
          : drift('appointment', raw, issuesOf(parsed.error), String(row.id)),
      );
    }
  }
  return out;
}

/** Rows of a list fetched by `ids` (50 at a time), each checked against `schema`. */
async function byIds<S extends z.ZodType>(
  ctx: SyncContext,
  client: ServiceTitanClient,
  module: string,
  resource: string,
  ids: readonly number[],
  schema: S,
  entity: EntityType,
): Promise<{ rows: z.infer<S>[]; drifts: Drift[] }> {
  const rows: z.infer<S>[] = [];
  const drifts: Drift[] = [];
  for (const chunk of chunks([...new Set(ids)], MAX_IDS_PER_CALL)) {
    for (const raw of await listAll(client, ctx, module, resource, { ids: chunk.join(',') })) {
      const parsed = schema.safeParse(raw);
      if (parsed.success) rows.push(parsed.data);
      else drifts.push(drift(entity, raw, issuesOf(parsed.error)));
    }
  }
  return { rows, drifts };
}

export interface ServiceTitanReadSideOptions {
  /** The tenant's currency (ServiceTitan amounts carry none). Default USD. */
  readonly currency?: CurrencyCode;
}

/** The streams of one ServiceTitan tenant, in the order a backfill wants them (parents first). */
export function servicetitanStreams(client: ServiceTitanClient): StreamReader[] {
  const reader = <S extends z.ZodType>(feed: ExportFeed<S>) => new ExportStreamReader(client, feed);
  return [
    reader({
      stream: 'customers',
      module: 'crm',
      feed: 'customers',
      entity: 'customer',
      intervalMs: NORMAL_MS,
      row: servicetitanCustomerSchema,
      // A merged customer is gone from the vendor's point of view; an inactive one is only inactive.
      signalsDeletes: true,
      deleted: (row) => row.mergedToId !== null,
    }),
    reader({
      stream: 'locations',
      module: 'crm',
      feed: 'locations',
      entity: 'location',
      intervalMs: NORMAL_MS,
      row: servicetitanLocationSchema,
      signalsDeletes: true,
      deleted: (row) => row.mergedToId !== null,
    }),
    reader({
      stream: 'contacts',
      module: 'crm',
      feed: 'customers/contacts',
      entity: 'contact',
      intervalMs: NORMAL_MS,
      row: servicetitanContactSchema,
      // Contacts have no `active` of their own: the export's `active: false` is a deleted contact.
      signalsDeletes: true,
      deleted: (row) => !row.active,
    }),
    reader({
      stream: 'technicians',
      module: 'settings',
      feed: 'technicians',
      entity: 'technician',
      intervalMs: NORMAL_MS,
      row: servicetitanTechnicianSchema,
      signalsDeletes: false,
      deleted: () => false,
    }),
    reader({
      stream: 'jobs',
      module: 'jpm',
      feed: 'jobs',
      entity: 'job',
      intervalMs: FAST_MS,
      row: servicetitanJobSchema,
      signalsDeletes: true,
      deleted: (row) => !row.active,
      // The row names its tags by id: the record carries the tenant's tag types they name.
      async records(ctx, c, rows) {
        const tagTypes = anyTagged(rows) ? await listTagTypes(c, ctx) : [];
        return rows.map((row): VendorRecord => {
          const raw = jobRecordRaw(row, tagTypes);
          const parsed = servicetitanJobRecordSchema.safeParse(raw);
          return parsed.success
            ? {
                kind: 'record',
                entity: 'job',
                externalId: String(row.id),
                raw: parsed.data,
                deleted: !row.active,
              }
            : drift('job', raw, issuesOf(parsed.error), String(row.id));
        });
      },
    }),
    reader({
      stream: 'appointments',
      module: 'jpm',
      feed: 'appointments',
      entity: 'appointment',
      intervalMs: FAST_MS,
      row: servicetitanAppointmentExportRowSchema,
      signalsDeletes: true,
      deleted: (row) => !row.active,
      records: (ctx, c, rows) =>
        appointmentRecords(
          ctx,
          c,
          rows.map(({ active, ...row }) => ({ row, deleted: !active })),
        ),
    }),
    reader({
      // An assignment change is a change of its appointment's technicians: re-read those appointments.
      stream: 'appointment-assignments',
      module: 'dispatch',
      feed: 'appointment-assignments',
      entity: 'appointment',
      intervalMs: FAST_MS,
      row: servicetitanAssignmentExportRowSchema,
      signalsDeletes: false,
      // It yields only the appointments whose technicians changed: never a base for reconciliation.
      reconciles: [],
      deleted: () => false,
      async records(ctx, c, rows) {
        const ids = rows.map((row) => row.appointmentId);
        // The list shows live appointments only: a deleted one comes through the appointments stream.
        const found = await byIds(
          ctx,
          c,
          'jpm',
          'appointments',
          ids,
          servicetitanAppointmentListRowSchema,
          'appointment',
        );
        const appointments = found.rows.sort((a, b) => a.id - b.id).map((row) => ({ row, deleted: false }));
        return [...(await appointmentRecords(ctx, c, appointments)), ...found.drifts];
      },
    }),
    reader({
      stream: 'estimates',
      module: 'sales',
      feed: 'estimates',
      entity: 'estimate',
      intervalMs: NORMAL_MS,
      row: servicetitanEstimateSchema,
      signalsDeletes: true,
      deleted: (row) => !row.active,
      async records(ctx, c, rows) {
        // The estimate row names its job, not its customer: the job says whose it is.
        const jobIds = rows.flatMap((row) => (row.jobId === null ? [] : [row.jobId]));
        const raws = jobIds.length === 0 ? [] : await listJobsByIds(ctx, c, jobIds);
        const jobs = new Map<number, unknown>();
        for (const raw of raws) {
          const key = idOf(raw);
          if (key !== null) jobs.set(Number(key), pickJob(raw));
        }
        return rows.map((row): VendorRecord => {
          const raw = { estimate: row, job: row.jobId === null ? null : (jobs.get(row.jobId) ?? null) };
          const parsed = servicetitanEstimateRecordSchema.safeParse(raw);
          return parsed.success
            ? {
                kind: 'record',
                entity: 'estimate',
                externalId: String(row.id),
                raw: parsed.data,
                deleted: !row.active,
              }
            : drift('estimate', raw, issuesOf(parsed.error), String(row.id));
        });
      },
    }),
    reader({
      stream: 'invoices',
      module: 'accounting',
      feed: 'invoices',
      entity: 'invoice',
      intervalMs: NORMAL_MS,
      row: servicetitanInvoiceSchema,
      signalsDeletes: true,
      deleted: (row) => !row.active,
    }),
    reader({
      stream: 'payments',
      module: 'accounting',
      feed: 'payments',
      entity: 'payment',
      intervalMs: NORMAL_MS,
      row: servicetitanPaymentSchema,
      // A voided payment leaves the transactional API: the export's `active: false`.
      signalsDeletes: true,
      deleted: (row) => !row.active,
    }),
    // One stream for the three price book feeds: a complete pass sees every item, so reconciliation
    // (these feeds do not signal deletes; inactive is not deleted) has one owner of the entity.
    new ChainedExportReader('pricebook-items', SLOW_MS, [
      reader({
        stream: 'pricebook-items/services',
        reportsTotal: false,
        module: 'pricebook',
        feed: 'services',
        entity: 'pricebook_item',
        intervalMs: SLOW_MS,
        row: servicetitanServiceSchema,
        signalsDeletes: false,
        deleted: () => false,
      }),
      reader({
        stream: 'pricebook-items/materials',
        reportsTotal: false,
        module: 'pricebook',
        feed: 'materials',
        entity: 'pricebook_item',
        intervalMs: SLOW_MS,
        row: servicetitanMaterialSchema,
        signalsDeletes: false,
        deleted: () => false,
      }),
      reader({
        stream: 'pricebook-items/equipment',
        reportsTotal: false,
        module: 'pricebook',
        feed: 'equipment',
        entity: 'pricebook_item',
        intervalMs: SLOW_MS,
        row: servicetitanEquipmentSchema,
        signalsDeletes: false,
        deleted: () => false,
      }),
    ]),
    reader({
      stream: 'memberships',
      module: 'memberships',
      feed: 'memberships',
      entity: 'membership',
      intervalMs: NORMAL_MS,
      row: servicetitanMembershipSchema,
      // Expired memberships are inactive too: only the `Deleted` status means gone.
      signalsDeletes: true,
      deleted: (row) => row.status === 'Deleted',
    }),
    reader({
      stream: 'installed-equipment',
      module: 'equipmentsystems',
      feed: 'installed-equipment',
      entity: 'equipment',
      intervalMs: NORMAL_MS,
      row: servicetitanInstalledEquipmentSchema,
      signalsDeletes: true,
      deleted: (row) => !row.active,
    }),
  ];
}

async function listJobsByIds(
  ctx: SyncContext,
  client: ServiceTitanClient,
  ids: readonly number[],
): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const chunk of chunks([...new Set(ids)], MAX_IDS_PER_CALL)) {
    rows.push(...(await listAll(client, ctx, 'jpm', 'jobs', { ids: chunk.join(',') })));
  }
  return rows;
}

/** The job fields an estimate record keeps (a job row that lost one of them fails the record's schema). */
function pickJob(raw: unknown): unknown {
  const row = raw as Record<string, unknown>;
  return { id: row['id'], customerId: row['customerId'], locationId: row['locationId'] };
}

/**
 * ServiceTitan's read side. The tenant every API path carries is the one the connection's session works
 * in (learnt from the portal at login), so one read side serves every ServiceTitan connection.
 */
export function createServiceTitanReadSide(options: ServiceTitanReadSideOptions = {}): ConnectorReadSide {
  const client = new ServiceTitanClient();
  return {
    vendor: 'servicetitan',
    streams: servicetitanStreams(client),
    mapper: new ServiceTitanMapper(options.currency ?? 'USD'),
  };
}

/** The read side of every ServiceTitan connection in USD. */
export const servicetitanReadSide: ConnectorReadSide = createServiceTitanReadSide();
