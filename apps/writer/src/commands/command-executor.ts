import type { Command, CommandResult, CommandType, Vendor } from '@fieldsync/canonical-model';
import {
  missingCommandEntitlement,
  uncarriedFields,
  type BrowserPool,
  type CommandWrite,
  type ConnectorRegistry,
} from '@fieldsync/connector-kit';
import {
  CanonicalStoreRepository,
  ConnectionRoleRepository,
  type ChangeLog,
  type DB,
} from '@fieldsync/persistence';
import type { ConnectionRateLimiter } from '@fieldsync/platform';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { LeaseLostError, type IdempotencyRepository } from '../idempotency/idempotency.repository';
import { CommandFailures, type Delivery } from './command-failure';
import { succeededResult } from './command-results.util';
import { CommandsRepository } from './commands.repository';
import { IdempotencyGate } from './idempotency-gate';
import { OutcomeStore } from './outcome-store';
import { VendorEffect, type Execution } from './vendor-effect';
import type { WriterMetrics } from './writer.metrics';
import type { Disposition, WriterOptions, WriterSessionSource } from './writer.types';

export type { Disposition, WriterOptions, WriterSessionSource } from './writer.types';

export interface ExecutorDeps {
  readonly db: Kysely<DB>;
  readonly keys: IdempotencyRepository;
  readonly changeLog: ChangeLog;
  /** The vendors: each command's write, and the read side whose mapper stores what a write read back. */
  readonly connectors: ConnectorRegistry;
  readonly sessions: WriterSessionSource;
  /** Spaces this replica's vendor requests per connection and holds them during a vendor's Retry-After. */
  readonly limiter: ConnectionRateLimiter;
  /** Pages of the vendor's web app for writes its API does not offer (WriteContext.portal). */
  readonly browsers?: BrowserPool;
  readonly publishResult: (tenantId: string, result: CommandResult) => Promise<void>;
  readonly metrics: WriterMetrics;
  readonly options: WriterOptions;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Executes one valid command exactly once against its vendor, in the order of DESIGN's rules:
 *
 *  0. the connection is the tenant's, its vendor role has the command's entitlement (the table the api
 *     enforces for REST writes), its vendor has a write for the command, and the write carries every
 *     field the command gives (else answered at once, naming what is wrong);
 *  1. the idempotency key is recorded with the request's fingerprint before anything else (IdempotencyGate);
 *  2–4. conflict check, then the vendor's effect found or made once, under recovery points (VendorEffect);
 *  5. one transaction: the records through the change log, the key completed, the command row (OutcomeStore);
 *     then the result is published.
 *
 * Anything else ends as CommandFailures decides (final refusal, nak, or failed + DLQ).
 */
export class CommandExecutor {
  private readonly now: () => Date;
  private readonly commands: CommandsRepository;
  private readonly roles: ConnectionRoleRepository;
  private readonly gate: IdempotencyGate;
  private readonly effect: VendorEffect;
  private readonly outcomes: OutcomeStore;
  private readonly failures: CommandFailures;

  constructor(private readonly deps: ExecutorDeps) {
    this.now = deps.now ?? (() => new Date());
    const { db, keys, metrics, options, publishResult } = deps;
    this.commands = new CommandsRepository(db);
    this.roles = new ConnectionRoleRepository(db);
    this.gate = new IdempotencyGate(keys, publishResult, metrics, options, this.now);
    this.effect = new VendorEffect({
      db,
      keys,
      store: new CanonicalStoreRepository(),
      sessions: deps.sessions,
      limiter: deps.limiter,
      browsers: deps.browsers,
      metrics,
      options,
      now: this.now,
    });
    this.outcomes = new OutcomeStore(db, deps.changeLog, keys, options.workerId);
    this.failures = new CommandFailures(
      keys,
      this.commands,
      this.outcomes,
      publishResult,
      metrics,
      options,
      this.now,
    );
  }

  async execute(command: Command, delivery: Delivery): Promise<Disposition> {
    const log = this.deps.logger.child({
      commandId: command.commandId,
      tenantId: command.tenantId,
      connectionId: command.connectionId,
      type: command.type,
    });
    const started = process.hrtime.bigint();
    // The connection, its vendor and its role's entitlements: one query.
    const connection = await this.roles.connectionWithEntitlements(command.tenantId, command.connectionId);
    if (!connection) {
      return this.failures.refuseUnkeyed(
        command,
        'not_found',
        'connectionId',
        `connection ${command.connectionId} not found for this tenant`,
      );
    }
    const lacking = missingCommandEntitlement(command.type, connection.entitlements);
    if (lacking !== undefined) {
      log.info({ entitlement: lacking }, 'command refused: the vendor role lacks its entitlement');
      return this.failures.refuseUnkeyed(
        command,
        'forbidden',
        'entitlement',
        `the vendor role of connection ${command.connectionId} lacks the ${lacking} entitlement needed to send ${command.type}`,
      );
    }
    const vendor = connection.vendor as Vendor;
    const write = this.writeFor(vendor, command.type);
    if (!write) {
      return this.failures.refuseUnkeyed(
        command,
        'unsupported',
        'type',
        `${vendor} connections do not support ${command.type}`,
      );
    }
    const uncarried = uncarriedFields(write.carries, command.payload);
    const [firstUncarried] = uncarried;
    if (firstUncarried !== undefined) {
      return this.failures.refuseUnkeyed(
        command,
        'unsupported',
        firstUncarried,
        `${vendor} cannot carry ${uncarried.join(', ')} of ${command.type}; leave ${uncarried.length === 1 ? 'it' : 'them'} out (nothing is dropped silently)`,
      );
    }

    const entered = await this.gate.enter(command, log, delivery.signal);
    if (entered.kind === 'done') return entered.disposition;
    const { held } = entered;
    const x: Execution = {
      command,
      vendor,
      write,
      held,
      log,
      signal: delivery.signal,
      vendorMs: { total: 0 },
      // A fresh key recorded at `vendor_call_started` up front has not called the vendor yet.
      progress: { point: held.fresh ? 'started' : held.recoveryPoint },
    };
    const renew = setInterval(
      () => {
        void this.deps.keys
          .renew(held, this.deps.options.workerId)
          .catch((error: unknown) => log.warn({ err: error }, 'lease renewal failed'));
      },
      Math.max(250, Math.floor(this.deps.options.leaseMs / 3)),
    );
    try {
      const outcome = await this.effect.run(x);
      const result = succeededResult(command, outcome, this.now());
      const readSide = this.deps.connectors.has(vendor)
        ? this.deps.connectors.get(vendor).readSide
        : undefined;
      const stored = await this.outcomes.succeeded(
        command,
        vendor,
        readSide,
        held,
        outcome,
        result,
        this.now(),
        log,
      );
      x.progress.unrecorded = undefined;
      await this.deps.publishResult(command.tenantId, result);
      const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
      this.deps.metrics.completed(vendor, command.type, 'succeeded', totalMs, x.vendorMs.total);
      log.info(
        {
          events: stored.events,
          group: stored.group,
          attempts: held.attempts,
          ms: Math.round(totalMs * 10) / 10,
          vendorMs: Math.round(x.vendorMs.total * 10) / 10,
        },
        'command succeeded',
      );
      return { kind: 'ack' };
    } catch (error) {
      const { unrecorded } = x.progress;
      if (unrecorded !== undefined && !(error instanceof LeaseLostError)) {
        // The vendor has the effect but its bookkeeping failed (not a crash): keep the outcome on the key so
        // the next attempt only does the bookkeeping. If even this fails, the next attempt finds the marker.
        await this.deps.keys
          .advance(held, this.deps.options.workerId, 'vendor_call_done', unrecorded)
          .catch((advanceError: unknown) =>
            log.warn({ err: advanceError }, 'could not record vendor_call_done after a failed bookkeeping'),
          );
      }
      return await this.failures.settle(command, vendor, held, x.progress.point, error, delivery, log);
    } finally {
      clearInterval(renew);
    }
  }

  private writeFor(vendor: Vendor, type: CommandType): CommandWrite<CommandType> | undefined {
    if (!this.deps.connectors.has(vendor)) return undefined;
    return this.deps.connectors.get(vendor).writeSide.writes[type] as CommandWrite<CommandType> | undefined;
  }
}
