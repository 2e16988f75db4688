import type { ReadPage } from '@fieldsync/connector-kit';
import type { Logger } from 'pino';
import type { SyncMetrics } from './sync.metrics';

/** A backfill or reconciliation pass logs its progress at info level at most this often, and at its end. */
const PROGRESS_LOG_MS = 5_000;

/**
 * The progress of a pass (a backfill or a reconciliation) over one stream: records read, the rate, and
 * an ETA against the total the vendor reports, as metrics after every page and as an info log line at
 * most every 5 s and at the end.
 */
export class PassProgress {
  private readonly startedAt = Date.now();
  private records = 0;
  private total: number | null = null;
  private loggedAt = Date.now();

  constructor(
    private readonly metrics: SyncMetrics,
    private readonly connectionId: string,
    private readonly stream: string,
    private readonly log: Logger,
  ) {}

  page(page: Pick<ReadPage, 'records' | 'total' | 'caughtUp'>): void {
    this.records += page.records.length;
    if (page.total !== undefined) this.total = page.total;
    const seconds = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
    const rate = this.records / seconds;
    const etaSeconds = page.caughtUp
      ? 0
      : this.total !== null && rate > 0
        ? Math.max(0, (this.total - this.records) / rate)
        : null;
    this.metrics.passProgress(this.connectionId, this.stream, { records: this.records, rate, etaSeconds });
    const now = Date.now();
    if (page.caughtUp || now - this.loggedAt >= PROGRESS_LOG_MS) {
      this.loggedAt = now;
      this.log.info(
        {
          records: this.records,
          total: this.total,
          rate: Math.round(rate * 10) / 10,
          etaSeconds: etaSeconds === null ? null : Math.ceil(etaSeconds),
          done: page.caughtUp,
        },
        page.caughtUp ? 'pass complete' : 'pass progress',
      );
    }
  }
}
