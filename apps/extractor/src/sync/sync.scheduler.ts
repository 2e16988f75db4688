import type { Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import { sleep } from '@fieldsync/platform';
import type { Logger } from 'pino';
import { streamIntervalSeconds } from './stream-interval.util';
import type { RunResult, StreamSyncService } from './stream-sync.service';
import type { SyncCursorRepository } from '@fieldsync/persistence';
import type { SyncOptions } from './sync-options.types';

/**
 * The worker loop of one replica: keeps a cursor row for every synced connection × stream, claims due
 * cursors under a lease (never one another worker holds), and runs up to `concurrency` streams at once,
 * at most `perConnectionConcurrency` per connection. Stopping aborts the runs in flight; each hands its
 * lease back and keeps the checkpoint of its last committed page.
 */
export class SyncScheduler {
  private readonly logger: Logger;
  private readonly inFlight = new Map<Promise<RunResult>, string>();
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastEnsure = 0;

  constructor(
    private readonly cursors: SyncCursorRepository,
    private readonly streams: StreamSyncService,
    private readonly readSides: ReadonlyMap<Vendor, ConnectorReadSide>,
    private readonly options: SyncOptions,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'SyncScheduler', workerId: options.workerId });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops claiming, aborts the runs in flight and waits for them to settle their leases. */
  async stop(): Promise<void> {
    this.stopController.abort(new Error('extractor stopping'));
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight.keys()]);
  }

  /** Creates the cursors of new connections now (also runs every `ensureIntervalMs`). */
  async ensureCursors(): Promise<void> {
    for (const [vendor, readSide] of this.readSides) {
      await this.cursors.ensureCursors(
        vendor,
        readSide.streams.map((stream) => ({
          stream: stream.stream,
          intervalSeconds: streamIntervalSeconds(vendor, stream, this.options.intervalOverrides),
        })),
      );
    }
    this.lastEnsure = Date.now();
  }

  /**
   * Claims due cursors while this worker has free slots; returns the runs it started. Exposed for
   * tests that drive two workers step by step.
   */
  async claimAndStart(): Promise<Promise<RunResult>[]> {
    const started: Promise<RunResult>[] = [];
    while (this.inFlight.size < this.options.concurrency && !this.stopController.signal.aborted) {
      const perConnection = new Map<string, number>();
      for (const connectionId of this.inFlight.values()) {
        perConnection.set(connectionId, (perConnection.get(connectionId) ?? 0) + 1);
      }
      const busy = [...perConnection]
        .filter(([, count]) => count >= this.options.perConnectionConcurrency)
        .map(([connectionId]) => connectionId);
      const claim = await this.cursors.claimNext({
        owner: this.options.workerId,
        leaseMs: this.options.leaseMs,
        vendors: [...this.readSides.keys()],
        busy,
        perConnection: this.options.perConnectionConcurrency,
      });
      if (!claim) break;
      const run = this.streams.run(claim, this.stopController.signal).finally(() => {
        this.inFlight.delete(run);
        this.wake?.();
      });
      this.inFlight.set(run, claim.connectionId);
      started.push(run);
    }
    return started;
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      try {
        if (Date.now() - this.lastEnsure >= this.options.ensureIntervalMs) await this.ensureCursors();
        const started = await this.claimAndStart();
        if (started.length > 0) this.logger.debug({ started: started.length }, 'streams claimed');
      } catch (error) {
        this.logger.warn({ err: error }, 'claiming due streams failed; will retry');
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        sleep(this.options.pollIntervalMs, signal).then(resolve, resolve);
      });
      this.wake = undefined;
    }
  }
}
