import type { AuthFlow, SessionPolicy } from '@fieldsync/connector-kit';
import { Inject, Injectable } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { AUTH_FLOWS } from './session.constants';

/** Each vendor's session lifetimes: the connector's defaults, overridden by `SESSION_TIMEOUTS` (the flows are built with them too). */
@Injectable()
export class SessionPolicies {
  constructor(
    @Inject(AUTH_FLOWS) private readonly flows: ReadonlyMap<string, AuthFlow>,
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
  ) {}

  of(vendor: string): SessionPolicy {
    const flow = this.flows.get(vendor);
    if (!flow) throw new Error(`no auth flow for vendor ${vendor}`);
    const override = this.config.SESSION_TIMEOUTS[flow.vendor] ?? {};
    return { ...flow.sessionPolicy, ...override };
  }

  /** When to touch the session so the vendor's idle timer never fires: a third of the idle timeout. */
  keepAliveEveryMs(vendor: string): number {
    return Math.max(1_000, Math.floor(this.of(vendor).idleMs / 3));
  }
}
