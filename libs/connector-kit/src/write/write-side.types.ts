import type {
  CanonicalEntity,
  CommandOf,
  CommandType,
  EntityType,
  ResultErrorCode,
  Vendor,
} from '@fieldsync/canonical-model';
import type { Page } from 'playwright-core';
import type { Logger } from 'pino';
import type { CapturedSession } from '../auth/auth-flow.types';
import type { VendorRecord } from '../sync/sync-reader.types';

/*
 * The write side of a connector: what the writer drives for one command. The writer owns the command
 * consumer, idempotency keys, recovery points, conflict checks, retries, the canonical store, the
 * outbox and results; a command handler only talks to its vendor:
 *
 *   find(ctx, command)    → was this command's effect already made (a crashed attempt)? Look for the
 *                           command's marker (or a natural key) on the vendor; null when not found.
 *   execute(ctx, command) → make the change once, stamping the marker where the vendor has a place.
 *
 * Both return the vendor records the command created or changed, read back from the vendor
 * (verify-after-write) and validated against the read side's wire schemas, so that the writer maps
 * them with the same mapper as the extractor and the canonical store holds exactly what the next
 * poll would read (the extractor then sees no change and emits no second event).
 *
 * Vendor HTTP failures are thrown as VendorCallError (connector-kit sync-reader.types): unauthorized →
 * the writer invalidates the session and retries once; rate_limited → nak with Retry-After; unavailable
 * → backoff, then `failed`. A vendor refusal (validation, conflict, illegal transition) is thrown as
 * VendorWriteError with the result code and the command field it concerns.
 */

/** A canonical id resolved through the canonical store to the vendor's record. */
export interface ResolvedRecord {
  readonly entity: EntityType;
  /** The vendor's id (as a string, as the read side keeps it). */
  readonly externalId: string;
  /** The stored canonical object (its vendor-specific refs, e.g. a job's customer and location). */
  readonly document: CanonicalEntity;
  /** The stored wire payload (what the read side validated), for vendor ids the canonical object does not carry. */
  readonly raw: unknown;
}

/** What a command handler gets. */
export interface WriteContext {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  /** The connection's vendor session: use it with `sessionFetch` like the readers do. */
  readonly session: CapturedSession;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly now: () => Date;
  /** Awaited by the connector's client before each vendor request (the writer's per-connection pacing). */
  readonly pace?: () => Promise<void>;
  /**
   * This command's marker, `fieldsync:<24 hex>` (`markerOf`), derived from the tenant and the idempotency key:
   * the same on every attempt of the command. Stamp it on the vendor record where the vendor has a
   * place (ServiceTitan `externalData`, a Jobber note or instructions, a payment memo), and look for it
   * in `find` before writing again.
   */
  readonly marker: string;
  /** When the command's first attempt started: the lower bound of a search for its effect. */
  readonly firstAttemptAt: Date;
  /**
   * A canonical id of the command → the vendor's record, from the canonical store of this connection.
   * Throws VendorWriteError `not_found` naming `field` when the store does not hold it (or it is deleted).
   */
  resolve(canonicalId: string, field: string): Promise<ResolvedRecord>;
  /**
   * Runs `fn` with a Playwright page of a fresh browser context that carries this connection's session
   * (its cookies), from the writer's bounded browser pool, for writes that only the vendor's web app
   * offers (a form flow). The context is closed when `fn` settles; `ctx.signal` bounds it.
   */
  portal<R>(fn: (page: Page) => Promise<R>): Promise<R>;
}

/** What the write made: the records read back, and the result data of the command's type. */
export interface WriteOutcome<T extends CommandType = CommandType> {
  /**
   * Every vendor record the command created or changed, as the vendor now has them (read back after
   * the write), validated by the read side's wire schemas; the primary record first.
   */
  readonly records: readonly Extract<VendorRecord, { kind: 'record' }>[];
  /**
   * The result data (`commandResultDataSchemas[type]`): canonical ids (`canonicalId(connectionId,
   * entity, externalId)`), numbers and statuses as the vendor now has them.
   */
  readonly result: Record<string, unknown> & { readonly __type?: T };
}

export interface CommandHandler<T extends CommandType> {
  /**
   * Looks for this command's effect on the vendor, made by an earlier attempt that crashed or timed
   * out after the vendor accepted it: by `ctx.marker`, or by a natural key within
   * `ctx.firstAttemptAt`. Returns the outcome as `execute` would, or null when the effect is not there.
   * Left out for commands whose effect is naturally idempotent (setting a status, a window, a crew).
   */
  find?(ctx: WriteContext, command: CommandOf<T>): Promise<WriteOutcome<T> | null>;
  /** Makes the change, once. */
  execute(ctx: WriteContext, command: CommandOf<T>): Promise<WriteOutcome<T>>;
  /**
   * For `job.dispatch` and `job.create` with technicians: the technicians' bookings in the window,
   * read fresh from the vendor (the writer also checks the canonical store). Returns the vendor's
   * appointments that overlap, excluding the command's own appointment.
   */
  bookings?(ctx: WriteContext, command: CommandOf<T>): Promise<readonly Booking[]>;
}

/** A technician's booking that a dispatch would overlap. */
export interface Booking {
  /** Canonical technician id. */
  readonly technicianId: string;
  /** Canonical appointment id of the existing booking. */
  readonly appointmentId: string;
  readonly start: string;
  readonly end: string;
}

/**
 * One command of one vendor: `libs/connectors/<vendor>/src/writes/<command>.write.ts`. Besides the
 * handler it declares the payload fields it carries to the vendor (or honours itself, as the writer's
 * `allowOverlap`): dotted paths, `[]` for array elements. A command carrying any other field is refused
 * `unsupported` naming it (`uncarriedField`) before the vendor is touched: nothing is dropped silently.
 */
export interface CommandWrite<T extends CommandType> extends CommandHandler<T> {
  readonly command: T;
  readonly carries: readonly string[];
}

/** Declares a write (keeps `command` and the handler's types together). */
export function defineWrite<T extends CommandType>(
  command: T,
  write: Omit<CommandWrite<T>, 'command'>,
): CommandWrite<T> {
  return { command, ...write };
}

/** The writes a connector implements; a type left out is `unsupported` for this vendor. */
export type CommandWrites = { readonly [T in CommandType]?: CommandWrite<T> };

/** The write side a connector exposes to the writer. */
export interface ConnectorWriteSide {
  readonly vendor: Vendor;
  readonly writes: CommandWrites;
}

/** The descriptor's `writes`: every command of the write side with the fields it carries. */
export function describeWrites(writeSide: ConnectorWriteSide): Partial<Record<CommandType, string[]>> {
  const out: Partial<Record<CommandType, string[]>> = {};
  for (const [type, write] of Object.entries(writeSide.writes) as [
    CommandType,
    CommandWrite<CommandType>,
  ][]) {
    out[type] = [...write.carries];
  }
  return out;
}

/** The vendor refused the write (or a reference is unknown): becomes a `failed`/`rejected` result. */
export class VendorWriteError extends Error {
  override readonly name = 'VendorWriteError';
  constructor(
    readonly code: Extract<
      ResultErrorCode,
      | 'vendor_rejected'
      | 'schedule_conflict'
      | 'not_found'
      | 'unsupported'
      | 'validation_failed'
      | 'period_locked'
    >,
    message: string,
    readonly details: {
      /** The command field it concerns (`payload.technicians.technicianIds[0]`). */
      readonly field?: string;
      /** The vendor's own error code or message id. */
      readonly vendorCode?: string;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}
