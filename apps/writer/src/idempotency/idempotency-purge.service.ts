import type { Logger } from 'pino';
import type { IdempotencyRepository } from './idempotency.repository';

const BATCH = 1_000;

/**
 * Deletes idempotency keys past WRITER_IDEMPOTENCY_TTL every WRITER_PURGE_INTERVAL, in batches (a key in
 * flight is left until it ends). Any replica may run it: the batches skip rows another one holds.
 */
export class IdempotencyPurge {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly options: { intervalMs: number; leaseMs: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) {
        this.running = this.purge()
          .then(() => undefined)
          .finally(() => (this.running = undefined));
      }
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One purge: batches until fewer than a batch were deleted. Returns how many keys went. */
  async purge(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const deleted = await this.keys.purgeExpired(BATCH, this.options.leaseMs);
        total += deleted;
        if (deleted < BATCH) break;
      }
      if (total > 0) this.logger.info({ purged: total }, 'expired idempotency keys purged');
    } catch (error) {
      this.logger.warn({ err: error }, 'idempotency key purge failed; the next interval tries again');
    }
    return total;
  }
}
