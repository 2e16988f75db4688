import type { AuthFlow, LogoutResult } from '@fieldsync/connector-kit';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import type { ConnectionRow } from '../connections/connections.repository';
import { AUTH_FLOWS } from './session.constants';
import { SessionMetrics } from './session.metrics';
import { SessionVault } from './session.vault';
import { replacementPlan, type ReplacementPlan } from './session-replacement.util';
import type { SessionRow } from './sessions.repository';

/** Why fieldsync lets a session go (the log line's and the metric's `reason`). */
export type ReleaseReason =
  'refresh' | 'relogin' | 'shutdown' | 'connection_disabled' | 'credentials_changed';

/** What ending a stored session at the vendor came to; `unsupported`: the vendor's flow has no logout. */
export type ReleaseOutcome = LogoutResult | { readonly released: false; readonly error: 'unsupported' };

/**
 * Ends a stored session at the vendor through its flow's `logout` (TOM's Log Out frees the licensed
 * seat), bounded by SESSION_RELEASE_TIMEOUT and the caller's signal. It only talks to the vendor: what
 * the store says about the session is the caller's business (under the connection's lock). Logged with
 * the connection, tenant, vendor, session version and reason, never a cookie or token; counted in
 * `fsm_session_releases_total`.
 */
@Injectable()
export class SessionReleaser {
  private readonly logger = new Logger(SessionReleaser.name);

  constructor(
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    @Inject(AUTH_FLOWS) private readonly flows: ReadonlyMap<string, AuthFlow>,
    private readonly vault: SessionVault,
    private readonly metrics: SessionMetrics,
  ) {}

  /** What a login of this vendor does with the session it replaces (session-replacement.util). */
  plan(vendor: string, existing: SessionRow | undefined, now: number = Date.now()): ReplacementPlan {
    return replacementPlan(this.flows.get(vendor) ?? {}, existing, now);
  }

  /** The vendors whose flow can log a session out. */
  releasableVendors(): string[] {
    return [...this.flows.values()].filter((f) => f.logout !== undefined).map((f) => f.vendor);
  }

  async release(
    connection: Pick<ConnectionRow, 'id' | 'tenant_id' | 'vendor'>,
    row: SessionRow,
    reason: ReleaseReason,
    signal?: AbortSignal,
  ): Promise<ReleaseOutcome> {
    const flow = this.flows.get(connection.vendor);
    if (flow?.logout === undefined) return { released: false, error: 'unsupported' };
    const bound = AbortSignal.timeout(this.config.SESSION_RELEASE_TIMEOUT);
    const started = Date.now();
    let outcome: LogoutResult;
    try {
      outcome = await flow.logout(
        this.vault.openSession(row),
        signal ? AbortSignal.any([signal, bound]) : bound,
      );
    } catch (error) {
      // A flow must answer `failed` rather than throw; one that throws is still not allowed to stop a
      // shutdown or a disable.
      outcome = {
        released: false,
        error: `logout crashed: ${error instanceof Error ? error.name : 'error'}`,
      };
    }
    const fields = {
      connectionId: connection.id,
      tenantId: connection.tenant_id,
      vendor: connection.vendor,
      sessionVersion: row.version,
      reason,
      durationMs: Date.now() - started,
    };
    this.metrics.releases.inc({
      vendor: connection.vendor,
      reason,
      outcome: outcome.released ? 'released' : 'failed',
    });
    if (outcome.released) this.logger.log(fields, 'session released at the vendor');
    else
      this.logger.warn(
        { ...fields, error: outcome.error },
        'session not released at the vendor: it stands until the vendor times it out',
      );
    return outcome;
  }
}
