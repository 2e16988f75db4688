import { Injectable, Logger } from '@nestjs/common';
import type { ConnectionRow } from '../connections/connections.repository';
import { LoginRunner } from './login.runner';
import { SessionInvalidationWriter } from './session-invalidation.writer';
import { SessionMetrics } from './session.metrics';
import type { ProbeResult } from './session.types';
import { SessionVault } from './session.vault';
import { SessionsRepository, type SessionRow } from './sessions.repository';

const PROBE_TIMEOUT_MS = 15_000;

/**
 * One cheap authenticated call with a stored session, and what its answer means: valid → healthy,
 * the vendor could not tell → degraded, refused → the session is dropped (`session.expired`).
 */
@Injectable()
export class SessionProber {
  private readonly logger = new Logger(SessionProber.name);

  constructor(
    private readonly runner: LoginRunner,
    private readonly vault: SessionVault,
    private readonly sessions: SessionsRepository,
    private readonly invalidation: SessionInvalidationWriter,
    private readonly metrics: SessionMetrics,
  ) {}

  async probe(connection: ConnectionRow, row: SessionRow): Promise<ProbeResult> {
    const flow = this.runner.flowOf(connection.vendor);
    const result = await flow.check(this.vault.openSession(row), AbortSignal.timeout(PROBE_TIMEOUT_MS));
    if (result.valid === true) {
      this.metrics.checks.inc({ vendor: connection.vendor, result: 'valid' });
      await this.sessions.recordCheck(connection.id, row.version, 'healthy');
      return 'valid';
    }
    if (result.valid === 'unknown') {
      this.metrics.checks.inc({ vendor: connection.vendor, result: 'unknown' });
      await this.sessions.recordCheck(connection.id, row.version, 'degraded');
      return 'unknown';
    }
    this.metrics.checks.inc({ vendor: connection.vendor, result: 'expired' });
    await this.invalidation.drop(connection, {
      health: 'expired',
      reason: 'vendor_ended_session',
      version: row.version,
      eventReason: 'expired',
    });
    this.logger.log({ connectionId: connection.id, vendor: connection.vendor }, 'vendor ended the session');
    return 'expired';
  }
}
