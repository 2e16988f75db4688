import { DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { ConnectionsRepository } from '../connections/connections.repository';
import { SessionEventsPublisher } from './session-events.publisher';
import { SessionReleaser } from './session.releaser';
import { SessionRefresher } from './session.refresher';
import { SessionService } from './session.service';
import { SessionsRepository, type SessionRow } from './sessions.repository';
import { isUsableSession } from './usable-session.util';

/** What the shutdown did with one live session. */
export type ShutdownRelease = 'released' | 'failed' | 'busy' | 'gone';

/** How many logouts run at once (each holds a database connection for its transaction). */
const CONCURRENCY = 8;

/**
 * Releases the vendor sessions when the process stops (SIGTERM), before the database pool and NATS
 * close (`beforeApplicationShutdown`): the refresher stops and no new login starts (SessionService
 * refuses them), the logins already running settle, then every live session of a vendor whose flow can
 * log out is logged out at the vendor (TOM: its licensed seat is free at once, not 20 minutes later),
 * marked `released` and announced as `session.expired` (reason `revoked`) in one transaction under the
 * connection's lock. A connection whose lock another replica holds (it is signing in right now) is left
 * to that replica. The whole of it is bounded by SESSION_RELEASE_TIMEOUT; what is not released by then
 * stands until the vendor's own timeout. One summary line is logged (counts only, no secrets).
 */
@Injectable()
export class SessionShutdownService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionShutdownService.name);

  constructor(
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly service: SessionService,
    private readonly refresher: SessionRefresher,
    private readonly releaser: SessionReleaser,
    private readonly events: SessionEventsPublisher,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.SESSION_RELEASE_ON_SHUTDOWN) return;
    await this.releaseAll(AbortSignal.timeout(this.config.SESSION_RELEASE_TIMEOUT));
  }

  /** Stops logging in and releases every live session it can before `signal` aborts. */
  async releaseAll(signal: AbortSignal): Promise<Record<ShutdownRelease, number>> {
    const started = Date.now();
    await untilAborted(Promise.all([this.refresher.stop(), this.service.stopLogins()]), signal);
    const counts: Record<ShutdownRelease, number> = { released: 0, failed: 0, busy: 0, gone: 0 };
    const live = signal.aborted ? [] : await this.sessions.listLive(this.releaser.releasableVendors());
    const queue = [...live];
    const worker = async (): Promise<void> => {
      for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
        const outcome = signal.aborted ? 'failed' : await this.releaseOne(row, signal);
        counts[outcome] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    const summary = { ...counts, live: live.length, durationMs: Date.now() - started };
    if (counts.failed > 0 || counts.busy > 0)
      this.logger.warn(summary, 'shutdown: some vendor sessions were not released');
    else this.logger.log(summary, 'shutdown: vendor sessions released');
    return counts;
  }

  private async releaseOne(row: SessionRow, signal: AbortSignal): Promise<ShutdownRelease> {
    try {
      return await this.db.transaction().execute(async (trx): Promise<ShutdownRelease> => {
        if (!(await this.sessions.tryLockConnection(trx, row.connection_id))) return 'busy';
        const current = await this.sessions.find(row.connection_id, trx);
        const connection = await this.connections.findById(row.connection_id, trx);
        if (!connection || !current || current.version !== row.version || !isUsableSession(current, 0))
          return 'gone';
        const outcome = await this.releaser.release(connection, current, 'shutdown', signal);
        if (!outcome.released) return 'failed';
        await this.sessions.markReleased(connection.id, current.version, trx);
        await this.events.append(trx, connection, 'session.expired', {
          reason: 'revoked',
          expiredAt: new Date().toISOString(),
        });
        return 'released';
      });
    } catch (error) {
      this.logger.warn(
        { connectionId: row.connection_id, err: error },
        'shutdown: releasing a session failed',
      );
      return 'failed';
    }
  }
}

/** `work`, or nothing once `signal` aborts (the work goes on; the caller stops waiting). */
async function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await Promise.race([
    work.then(() => undefined),
    new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
  ]);
}
