import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { ConnectionsRepository } from '../connections/connections.repository';
import { SessionPolicies } from './session-policies';
import { SessionService } from './session.service';
import { SessionsRepository } from './sessions.repository';

/**
 * Keeps every maintained connection logged in: on each tick (SESSION_REFRESH_INTERVAL) a connection
 * without a usable session gets a login (once its backoff has passed), a session close to its absolute
 * expiry (SESSION_REFRESH_MARGIN) is replaced by a fresh login, and a session untouched for a third of
 * the vendor's idle timeout gets the cheap authenticated call that keeps it alive and proves it is.
 * A connection busy from the previous tick is skipped, so a slow login never piles up work.
 */
@Injectable()
export class SessionRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRefresher.name);
  private readonly busy = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly service: SessionService,
    private readonly policies: SessionPolicies,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'session refresh tick failed'))
        .finally(() => (this.ticking = undefined));
    }, this.config.SESSION_REFRESH_INTERVAL);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** No tick from now on; resolves when the running tick and the work it started have settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.busy.values()]);
  }

  /** One pass over the maintained connections (exposed for tests and the bench). */
  async tick(): Promise<void> {
    const now = Date.now();
    const maintained = await this.connections.listMaintained();
    const stored = await this.sessions.findMany(maintained.map((c) => c.id));
    for (const connection of maintained) {
      if (this.stopped) return;
      if (this.busy.has(connection.id)) continue;
      const row = stored.get(connection.id);
      let work: (() => Promise<unknown>) | undefined;
      const expiresAt = row?.expires_at?.getTime();
      const live =
        row !== undefined &&
        (row.health === 'healthy' || row.health === 'degraded') &&
        expiresAt !== undefined &&
        expiresAt > now;
      if (!live || expiresAt === undefined) {
        const due = connection.next_login_at === null || connection.next_login_at.getTime() <= now;
        if (this.config.SESSION_AUTO_LOGIN && due) work = () => this.service.acquire(connection.id);
      } else if (expiresAt - now <= this.config.SESSION_REFRESH_MARGIN) {
        const version = row.version;
        work = () => this.service.refresh(connection.id, version);
      } else if (
        now - (row.last_checked_at?.getTime() ?? 0) >=
        this.policies.keepAliveEveryMs(connection.vendor)
      ) {
        work = () => this.service.check(connection.id);
      }
      if (!work) continue;
      const task = work()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn({ connectionId: connection.id, err: error }, 'session maintenance failed'),
        )
        .finally(() => this.busy.delete(connection.id));
      this.busy.set(connection.id, task);
    }
  }

  /** Waits for the work the last tick started (tests). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.busy.values()]);
  }
}
