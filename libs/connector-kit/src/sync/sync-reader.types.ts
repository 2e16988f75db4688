import type { CanonicalEntity, EntityType, Vendor } from '@fieldsync/canonical-model';
import type { Logger } from 'pino';
import type { CapturedSession } from '../auth/auth-flow.types';

/*
 * The read side of a connector: what the extractor drives for every connection × stream. One contract
 * for REST (ServiceTitan), GraphQL (Jobber) and scraped HTML (TOM later): a reader turns a checkpoint
 * into one page of validated vendor records plus the checkpoint after it; a mapper turns one record
 * into the canonical object. The extractor owns sessions, scheduling, leases, rate limits, the store,
 * change detection, the outbox and drift reports; a reader never writes anything.
 */

/** A vendor HTTP answer the reader must not handle itself (the extractor's retry policy decides). */
export type VendorCallFailure =
  /** 401/403 or a login page instead of data: the session is gone (the extractor invalidates, retries once). */
  | { readonly kind: 'unauthorized'; readonly status: number }
  /** 429, or a GraphQL THROTTLED: wait `retryAfterMs` (from Retry-After or the cost budget) and retry. */
  | { readonly kind: 'rate_limited'; readonly retryAfterMs: number }
  /** 5xx, timeouts, connection errors: retried with backoff. */
  | { readonly kind: 'unavailable'; readonly status?: number; readonly message: string };

/** Thrown by readers for a VendorCallFailure. */
export class VendorCallError extends Error {
  constructor(
    readonly failure: VendorCallFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VendorCallError';
  }
}

/** What a reader gets for one page. */
export interface SyncContext {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  /** The connection's vendor session (cookies, CSRF/version headers): use it with `sessionFetch`. */
  readonly session: CapturedSession;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** The connector's clock, for tests. */
  readonly now: () => Date;
  /**
   * Optional: awaited by the connector's client before each vendor request (the caller's per-connection
   * request pacing, which also holds requests back while a vendor's Retry-After runs).
   */
  readonly pace?: () => Promise<void>;
}

/** One record as the vendor sent it: validated against the wire schema, or reported as drift. */
export type VendorRecord =
  | {
      readonly kind: 'record';
      /** Which canonical entity it maps to (a Jobber job page also yields its visits and property). */
      readonly entity: EntityType;
      /** The vendor's id, as a string. */
      readonly externalId: string;
      /** The wire payload as validated (what `raw` in the canonical store keeps). */
      readonly raw: unknown;
      /** The vendor says it is gone (ServiceTitan export `active: false` for deletable entities, ...). */
      readonly deleted: boolean;
    }
  | {
      readonly kind: 'drift';
      readonly entity: EntityType;
      /** The vendor's id when it could still be read, else null. */
      readonly externalId: string | null;
      /** The payload exactly as received (quarantined in drift_reports, never in an event). */
      readonly raw: unknown;
      /** Each wire-schema issue: path, zod code, message. */
      readonly issues: readonly { readonly path: string; readonly code: string; readonly message: string }[];
    };

/** One page of a stream. */
export interface ReadPage {
  readonly records: readonly VendorRecord[];
  /**
   * The checkpoint to persist once this page is stored (opaque to the extractor: a `continueFrom`
   * token, an `updatedAt` watermark with the last id, a cursor). Persisted in the same transaction.
   */
  readonly checkpoint: string | null;
  /** True when the stream has nothing more right now (the next read waits for the interval). */
  readonly caughtUp: boolean;
  /**
   * Optional: how many records the whole stream holds when the vendor says so (a `totalCount`), from a
   * read that started at null. Drives the backfill ETA in the extractor's metrics and logs.
   */
  readonly total?: number;
}

/** One incremental stream of a connector (usually one per entity, named after it). */
export interface StreamReader {
  /** Unique per connector: the `sync_cursors` key (`customers`, `jobs`, `appointment-assignments`...). */
  readonly stream: string;
  /** The canonical entities its records map to. */
  readonly entities: readonly EntityType[];
  /** Default interval between incremental reads (near real time for jobs and appointments, slower for pricebook). */
  readonly intervalMs: number;
  /**
   * Whether the vendor signals deletes in this stream (ServiceTitan exports do). Without it, deletes
   * are found by full reconciliation (generation marking), never by mistaking "unchanged" for "gone".
   */
  readonly signalsDeletes: boolean;
  /**
   * Optional, for streams without delete signals: the entities a complete pass of this stream sees in
   * full, so reconciliation may tombstone their rows it did not see (default: `entities`). Leave out an
   * entity the stream only yields in part (a parent's embedded children another stream also reads).
   * Two streams of one connector must not reconcile the same entity.
   */
  readonly reconciles?: readonly EntityType[];
  /** The page after `checkpoint` (null: from the beginning, a backfill). */
  readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage>;
}

/** Vendor record → canonical object (pure; money in minor units, times in UTC, vendor status kept). */
export interface RecordMapper {
  toCanonical(
    record: Extract<VendorRecord, { kind: 'record' }>,
    ctx: { tenantId: string; connectionId: string },
  ): CanonicalEntity;
}

/** The read side a connector exposes to the extractor. */
export interface ConnectorReadSide {
  readonly vendor: Vendor;
  readonly streams: readonly StreamReader[];
  readonly mapper: RecordMapper;
  /**
   * The pace the extractor keeps per connection unless an operator sets EXTRACTOR_REQUESTS_PER_SECOND:
   * the vendor's read budget per account, less a share for the writer's calls. Absent: the extractor's
   * default (10 requests/s).
   */
  readonly requestsPerSecond?: number;
}
