import type { AuthFlow, SessionPolicy } from '@fieldsync/connector-kit';
import { Inject, Injectable } from '@nestjs/common';
import { AUTH_FLOWS } from './session.constants';

/**
 * Each vendor's session lifetimes: the registered flow's (built with the SESSION_TIMEOUTS overrides,
 * see authFlowsFor), so the expiry a login computes and the refresher's plan never disagree.
 */
@Injectable()
export class SessionPolicies {
  constructor(@Inject(AUTH_FLOWS) private readonly flows: ReadonlyMap<string, AuthFlow>) {}

  of(vendor: string): SessionPolicy {
    const flow = this.flows.get(vendor);
    if (!flow) throw new Error(`no auth flow for vendor ${vendor}`);
    return flow.sessionPolicy;
  }

  /** When to touch the session so the vendor's idle timer never fires: a third of the idle timeout. */
  keepAliveEveryMs(vendor: string): number {
    return Math.max(1_000, Math.floor(this.of(vendor).idleMs / 3));
  }
}
