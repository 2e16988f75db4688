import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { MessageRepository } from '../delivery/message.repository';

const SWEEP_INTERVAL_MS = 15 * 60_000;
const FIRST_SWEEP_MS = 60_000;
const BATCH = 5_000;

/**
 * Deletes finished messages (with their attempts) past WEBHOOK_PAYLOAD_RETENTION, in batches. A message
 * is never deleted while it is pending.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly messages: MessageRepository,
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
      if (deleted > 0) this.logger.info({ deleted }, 'deleted messages past their retention');
    } catch (err) {
      this.logger.warn({ err }, 'retention sweep failed; trying again at the next one');
    }
    return deleted;
  }
}
