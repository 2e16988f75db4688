import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { MessageRepository } from '../delivery/message.repository';
import { OperationalOutboxRepository } from '../operational/operational-outbox.repository';

const SWEEP_INTERVAL_MS = 15 * 60_000;
const FIRST_SWEEP_MS = 60_000;
const BATCH = 5_000;
/** Published operational events are kept this long in the outbox (they live on in FSM_EVENTS and the ledger). */
const OUTBOX_KEEP_MS = 24 * 3_600_000;

/**
 * Deletes finished messages (with their attempts) past WEBHOOK_PAYLOAD_RETENTION, in batches, and old
 * published outbox rows. A message is never deleted while it is pending.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly messages: MessageRepository,
    private readonly outbox: OperationalOutboxRepository,
    @InjectPinoLogger(RetentionJob.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = (ms: number): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.sweep().finally(() => {
          this.running = undefined;
        });
        void this.running.then(() => schedule(SWEEP_INTERVAL_MS));
      }, ms);
      this.timer.unref();
    };
    schedule(FIRST_SWEEP_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One sweep; returns how many messages it deleted. */
  async sweep(): Promise<number> {
    let deleted = 0;
    try {
      for (;;) {
        const n = await this.messages.deleteExpired(BATCH);
        deleted += n;
        if (n < BATCH) break;
      }
      await this.outbox.deletePublishedBefore(new Date(Date.now() - OUTBOX_KEEP_MS));
      if (deleted > 0) this.logger.info({ deleted }, 'deleted messages past their retention');
    } catch (err) {
      this.logger.warn({ err }, 'retention sweep failed; trying again at the next one');
    }
    return deleted;
  }
}
