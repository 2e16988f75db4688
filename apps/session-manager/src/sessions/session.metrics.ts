import { METRICS_REGISTRY } from '@fieldsync/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SessionsRepository } from './sessions.repository';

/** prom-client metrics of the session manager (on the service's own registry). */
@Injectable()
export class SessionMetrics {
  readonly logins: Counter<'vendor' | 'outcome'>;
  readonly loginDuration: Histogram<'vendor' | 'outcome'>;
  readonly refreshFailures: Counter<'vendor' | 'reason'>;
  readonly checks: Counter<'vendor' | 'result'>;
  readonly releases: Counter<'vendor' | 'reason' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, sessions: SessionsRepository) {
    this.logins = new Counter({
      name: 'fsm_session_logins_total',
      help: 'Vendor logins by vendor and outcome (succeeded or the failure reason)',
      labelNames: ['vendor', 'outcome'],
      registers: [registry],
    });
    this.loginDuration = new Histogram({
      name: 'fsm_session_login_duration_seconds',
      help: 'Duration of vendor logins through the browser, MFA included',
      labelNames: ['vendor', 'outcome'],
      buckets: [0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120],
      registers: [registry],
    });
    this.refreshFailures = new Counter({
      name: 'fsm_session_refresh_failures_total',
      help: 'Proactive refreshes and keep-alives that failed, by vendor and reason',
      labelNames: ['vendor', 'reason'],
      registers: [registry],
    });
    this.checks = new Counter({
      name: 'fsm_session_checks_total',
      help: 'Authenticated health checks of stored sessions, by result (valid, expired, unknown)',
      labelNames: ['vendor', 'result'],
      registers: [registry],
    });
    this.releases = new Counter({
      name: 'fsm_session_releases_total',
      help: 'Sessions fieldsync logged out at the vendor (shutdown, refresh, disable), by reason and outcome (released, failed)',
      labelNames: ['vendor', 'reason', 'outcome'],
      registers: [registry],
    });
    new Gauge({
      name: 'fsm_sessions_active',
      help: 'Stored vendor sessions that are healthy or degraded and not past their expiry',
      registers: [registry],
      async collect() {
        this.set(await sessions.countActive());
      },
    });
  }
}
