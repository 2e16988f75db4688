import {
  canonicalId,
  customerSchema,
  jobSchema,
  Money,
  type CanonicalEntity,
  type Customer,
  type Job,
  type Vendor,
} from '@fieldsync/canonical-model';
import {
  VendorCallError,
  type CapturedSession,
  type ConnectorReadSide,
  type ReadPage,
  type StreamReader,
  type SyncContext,
  type VendorCallFailure,
  type VendorRecord,
} from '@fieldsync/connector-kit';
import { z } from 'zod';
import type { SessionSource, SourcedSession } from '../sync/session-source.types';

/*
 * A scriptable vendor for the extractor's specs: two streams over in-memory records, read in change
 * order with a numeric checkpoint (like an `updatedAt` watermark), pages of `pageSize`.
 *  - `customers` signals deletes (a removed customer comes back once as `active: false`);
 *  - `jobs` does not (a removed job just stops appearing: only reconciliation finds it).
 * Faults are queued per stream (`failNext`); a wire payload that does not fit its strict schema is
 * yielded as drift; `hold()` keeps reads open to test leases. Sessions are checked like a vendor would:
 * a read with a session the vendor no longer accepts fails `unauthorized`.
 */

export const customerWireSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  city: z.string().nullable(),
  active: z.boolean(),
  modifiedOn: z.string(),
});
export type CustomerWire = z.infer<typeof customerWireSchema>;

export const JOB_WIRE_STATUSES = ['Scheduled', 'Dispatched', 'Completed', 'Canceled'] as const;
export const jobWireSchema = z.strictObject({
  id: z.string(),
  customerId: z.string(),
  summary: z.string(),
  status: z.enum(JOB_WIRE_STATUSES),
  total: z.string().regex(/^\d+\.\d{2}$/),
  modifiedOn: z.string(),
});
export type JobWire = z.infer<typeof jobWireSchema>;

type StreamName = 'customers' | 'jobs';

interface StoredRecord {
  readonly id: string;
  raw: unknown;
  change: number;
  /** `customers` only: the vendor signals this record as deleted. */
  deleted: boolean;
}

export interface ReadCall {
  readonly connectionId: string;
  readonly stream: StreamName;
  readonly checkpoint: string | null;
  readonly sessionVersion: number;
}

const JOB_STATUS: Record<(typeof JOB_WIRE_STATUSES)[number], Job['status']> = {
  Scheduled: 'scheduled',
  Dispatched: 'dispatched',
  Completed: 'completed',
  Canceled: 'canceled',
};

export class ScriptedVendor {
  readonly vendor: Vendor;
  pageSize: number;
  /** Every read, in order. */
  readonly calls: ReadCall[] = [];
  /** Reads in progress per `connection/stream`, and the most seen at once. */
  readonly maxConcurrentReads = new Map<string, number>();
  private readonly active = new Map<string, number>();
  private readonly streams: Record<StreamName, Map<string, StoredRecord>> = {
    customers: new Map(),
    jobs: new Map(),
  };
  private readonly faults: Record<StreamName, (VendorCallFailure | null)[]> = { customers: [], jobs: [] };
  private clock = 0;
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  /** Session versions the vendor accepts (sessions issued before `expireSessions()` are rejected). */
  acceptSessionsFrom = 1;
  /** When true, no session is accepted at all (wrong account, locked out...). */
  rejectAllSessions = false;
  /** Reported as ReadPage.total when set (backfill ETA). */
  reportTotal = false;
  /**
   * A field renamed in every response while set (the sandbox's drift fault): the stored records do not
   * change, only what the vendor sends.
   */
  renameOnRead: { from: string; to: string } | undefined;
  /**
   * Runs before each read is answered (after it is recorded in `calls`): a spec changes the vendor's
   * records here while a run is under way, as a user of the portal would between two page requests.
   */
  beforeRead: ((call: ReadCall) => void | Promise<void>) | undefined;
  /**
   * Vendor requests one page takes: its list request plus follow-up lookups (as ServiceTitan's
   * assignments by id), each sent after `ctx.pace` as a connector's client does.
   */
  requestsPerPage = 1;
  /** When each request was sent (`performance.now()`, after its pace). */
  readonly requestTimes: number[] = [];

  constructor(options: { vendor?: Vendor; pageSize?: number } = {}) {
    this.vendor = options.vendor ?? 'servicetitan';
    this.pageSize = options.pageSize ?? 3;
  }

  upsertCustomer(fields: Partial<CustomerWire> & { id: string }): void {
    const current = this.streams.customers.get(fields.id)?.raw as CustomerWire | undefined;
    this.put('customers', fields.id, {
      name: `Customer ${fields.id}`,
      email: null,
      city: 'San Diego',
      active: true,
      ...current,
      ...fields,
      modifiedOn: this.stamp(),
    });
  }

  upsertJob(fields: Partial<JobWire> & { id: string }): void {
    const current = this.streams.jobs.get(fields.id)?.raw as JobWire | undefined;
    this.put('jobs', fields.id, {
      customerId: '1',
      summary: `Job ${fields.id}`,
      status: 'Scheduled',
      total: '100.00',
      ...current,
      ...fields,
      modifiedOn: this.stamp(),
    });
  }

  /** Any payload, valid or not (drift). */
  putRaw(stream: StreamName, id: string, raw: unknown): void {
    this.put(stream, id, raw);
  }

  /** Customers: signalled as deleted (`active: false`). Jobs: silently gone. */
  remove(stream: StreamName, id: string): void {
    const record = this.streams[stream].get(id);
    if (!record) throw new Error(`no ${stream} record ${id}`);
    if (stream === 'customers') {
      record.raw = { ...(record.raw as CustomerWire), active: false, modifiedOn: this.stamp() };
      this.clock += 1;
      record.deleted = true;
      record.change = this.clock;
    } else {
      this.streams[stream].delete(id);
    }
  }

  /** The next reads of the stream fail in this order (`null`: that read succeeds). */
  failNext(stream: StreamName, ...failures: (VendorCallFailure | null)[]): void {
    this.faults[stream].push(...failures);
  }

  /** Reads block until release(). */
  hold(): void {
    let open = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { promise, open };
  }

  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  /** Sessions issued so far stop working (the vendor logged them out). */
  expireSessions(sessions: FakeSessionSource): void {
    this.acceptSessionsFrom = sessions.issued + 1;
  }

  readonly readSide: ConnectorReadSide = {
    vendor: 'servicetitan',
    streams: [this.reader('customers', true, 60_000), this.reader('jobs', false, 30_000)],
    mapper: {
      toCanonical: (record, ctx) => {
        if (record.entity === 'customer')
          return mapCustomer(customerWireSchema.parse(record.raw), ctx.connectionId, this.vendor);
        if (record.entity === 'job')
          return mapJob(jobWireSchema.parse(record.raw), ctx.connectionId, this.vendor);
        throw new Error(`the scripted vendor has no ${record.entity}`);
      },
    },
  };

  private reader(stream: StreamName, signalsDeletes: boolean, intervalMs: number): StreamReader {
    return {
      stream,
      entities: [stream === 'customers' ? 'customer' : 'job'],
      intervalMs,
      signalsDeletes,
      readPage: (ctx, checkpoint) => this.readPage(stream, ctx, checkpoint),
    };
  }

  private async readPage(stream: StreamName, ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const key = `${ctx.connectionId}/${stream}`;
    const running = (this.active.get(key) ?? 0) + 1;
    this.active.set(key, running);
    this.maxConcurrentReads.set(key, Math.max(this.maxConcurrentReads.get(key) ?? 0, running));
    const sessionVersion = Number(ctx.session.headers['x-session-version']);
    const call = { connectionId: ctx.connectionId, stream, checkpoint, sessionVersion };
    this.calls.push(call);
    try {
      // As a connector's client: `ctx.pace` before every request, the page's list request included.
      for (let i = 0; i < this.requestsPerPage; i += 1) {
        await ctx.pace?.();
        this.requestTimes.push(performance.now());
      }
      if (this.gate) {
        // Like a fetch with the run's signal: an aborted run stops waiting.
        const signal = ctx.signal;
        await Promise.race([
          this.gate.promise,
          new Promise<never>((_, reject) => {
            const abort = (): void => reject(new Error('read aborted'));
            if (signal.aborted) abort();
            else signal.addEventListener('abort', abort, { once: true });
          }),
        ]);
      }
      if (this.rejectAllSessions || sessionVersion < this.acceptSessionsFrom) {
        throw new VendorCallError({ kind: 'unauthorized', status: 401 }, 'HTTP 401 from the scripted vendor');
      }
      await this.beforeRead?.(call);
      const fault = this.faults[stream].shift();
      if (fault) throw new VendorCallError(fault, `scripted ${fault.kind}`);
      const after = checkpoint === null ? 0 : Number(checkpoint);
      const all = [...this.streams[stream].values()].sort((a, b) => a.change - b.change);
      const pending = all.filter((record) => record.change > after);
      const page = pending.slice(0, this.pageSize);
      const last = page.at(-1);
      return {
        records: page.map((record) => this.toVendorRecord(stream, record)),
        checkpoint: last ? String(last.change) : checkpoint,
        caughtUp: pending.length <= this.pageSize,
        ...(this.reportTotal && checkpoint === null ? { total: all.length } : {}),
      };
    } finally {
      this.active.set(key, (this.active.get(key) ?? 1) - 1);
    }
  }

  private toVendorRecord(stream: StreamName, record: StoredRecord): VendorRecord {
    const entity = stream === 'customers' ? 'customer' : 'job';
    const rename = this.renameOnRead;
    const raw =
      rename && typeof record.raw === 'object' && record.raw !== null && rename.from in record.raw
        ? Object.fromEntries(
            Object.entries(record.raw).map(([k, v]) => [k === rename.from ? rename.to : k, v] as const),
          )
        : record.raw;
    const parsed = (stream === 'customers' ? customerWireSchema : jobWireSchema).safeParse(raw);
    if (!parsed.success) {
      return {
        kind: 'drift',
        entity,
        externalId: record.id,
        raw,
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          code: issue.code,
          message: issue.message,
        })),
      };
    }
    return { kind: 'record', entity, externalId: record.id, raw: parsed.data, deleted: record.deleted };
  }

  private put(stream: StreamName, id: string, raw: unknown): void {
    this.clock += 1;
    this.streams[stream].set(id, { id, raw, change: this.clock, deleted: false });
  }

  private stamp(): string {
    return new Date(Date.UTC(2026, 0, 1) + (this.clock + 1) * 60_000).toISOString();
  }
}

function base(connectionId: string, vendor: Vendor, externalId: string, modifiedOn: string) {
  return {
    vendor,
    externalId,
    connectionId,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: modifiedOn,
    deletedAt: null,
  };
}

export function mapCustomer(wire: CustomerWire, connectionId: string, vendor: Vendor): Customer {
  return customerSchema.parse({
    ...base(connectionId, vendor, wire.id, wire.modifiedOn),
    id: canonicalId(connectionId, 'customer', wire.id),
    number: null,
    displayName: wire.name,
    firstName: null,
    lastName: null,
    companyName: null,
    type: 'residential',
    active: wire.active,
    emails: wire.email === null ? [] : [{ type: 'personal', address: wire.email, primary: true }],
    phones: [],
    billingAddress:
      wire.city === null
        ? null
        : {
            line1: '1 Main St',
            line2: null,
            city: wire.city,
            region: 'CA',
            postalCode: null,
            country: 'US',
            geo: null,
          },
    defaultLocationId: null,
    currency: 'USD',
    balance: 0,
    marketingOptIn: false,
    doNotService: false,
    leadSource: null,
    notes: null,
    tags: [],
    customFields: {},
    mergedIntoId: null,
  });
}

export function mapJob(wire: JobWire, connectionId: string, vendor: Vendor): Job {
  const total = Money.parse(wire.total, 'USD').toAmount();
  return jobSchema.parse({
    ...base(connectionId, vendor, wire.id, wire.modifiedOn),
    id: canonicalId(connectionId, 'job', wire.id),
    number: wire.id,
    title: wire.summary,
    description: null,
    status: JOB_STATUS[wire.status],
    vendorStatus: wire.status,
    customerId: canonicalId(connectionId, 'customer', wire.customerId),
    locationId: null,
    serviceAddress: null,
    jobType: null,
    priority: 'normal',
    source: null,
    businessUnit: null,
    scheduledStart: null,
    scheduledEnd: null,
    technicianIds: [],
    estimateId: null,
    membershipId: null,
    completedAt: wire.status === 'Completed' ? wire.modifiedOn : null,
    canceledAt: wire.status === 'Canceled' ? wire.modifiedOn : null,
    cancelReason: null,
    currency: 'USD',
    lineItems: [],
    subtotal: total,
    tax: 0,
    total,
    amountPaid: 0,
    balance: total,
    notes: null,
    tags: [],
    customFields: {},
  });
}

/** The canonical object the scripted vendor's mapper gives for a record (what the store must hold). */
export type ScriptedCanonical = CanonicalEntity;

/**
 * The test double of the session manager (SessionSource): every acquire after an invalidate issues a
 * new session version; counts acquires and invalidations.
 */
export class FakeSessionSource implements SessionSource {
  issued = 0;
  readonly invalidations: { connectionId: string; reason: string; sessionVersion: number | undefined }[] = [];
  private readonly current = new Map<string, SourcedSession>();

  acquire(connectionId: string): Promise<SourcedSession> {
    let session = this.current.get(connectionId);
    if (!session) {
      this.issued += 1;
      session = { sessionVersion: this.issued, session: fakeSession(this.issued) };
      this.current.set(connectionId, session);
    }
    return Promise.resolve(session);
  }

  invalidate(
    connectionId: string,
    reason: 'unauthorized' | 'forbidden',
    sessionVersion?: number,
  ): Promise<unknown> {
    this.invalidations.push({ connectionId, reason, sessionVersion });
    if (this.current.get(connectionId)?.sessionVersion === sessionVersion) this.current.delete(connectionId);
    return Promise.resolve({ invalidated: true });
  }
}

function fakeSession(version: number): CapturedSession {
  return {
    vendor: 'servicetitan',
    portalUrl: 'https://scripted.vendor.test',
    cookies: [],
    headers: { 'x-session-version': String(version) },
    user: { id: 'u1', name: 'Scripted User', role: 'admin', entitlements: ['customers', 'jobs'] },
    establishedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2099-01-01T00:00:00.000Z',
    deviceCookies: [],
  };
}
