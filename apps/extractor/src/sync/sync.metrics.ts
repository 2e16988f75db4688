import { metricOnce } from '@fieldsync/platform';
import { Counter, Gauge, type Registry } from 'prom-client';

export type RecordOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'drift';
export type RunOutcome = 'caught_up' | 'failed' | 'lease_lost' | 'stopped';

/** The extractor's metrics on the service registry (`/metrics`), backfill progress included. */
export class SyncMetrics {
  private readonly records: Counter<'vendor' | 'stream' | 'outcome'>;
  private readonly pages: Counter<'vendor' | 'stream'>;
  private readonly events: Counter<'vendor'>;
  private readonly runs: Counter<'vendor' | 'stream' | 'outcome'>;
  private readonly retries: Counter<'vendor' | 'kind'>;
  private readonly passRecords: Gauge<'connection_id' | 'stream'>;
  private readonly passRate: Gauge<'connection_id' | 'stream'>;
  private readonly passEta: Gauge<'connection_id' | 'stream'>;

  constructor(registry: Registry) {
    this.records = metricOnce(
      registry,
      'fsm_extractor_records_total',
      () =>
        new Counter({
          name: 'fsm_extractor_records_total',
          help: 'Vendor records stored by the extractor, by outcome (created, updated, deleted, unchanged, drift)',
          labelNames: ['vendor', 'stream', 'outcome'],
          registers: [registry],
        }),
    );
    this.pages = metricOnce(
      registry,
      'fsm_extractor_pages_total',
      () =>
        new Counter({
          name: 'fsm_extractor_pages_total',
          help: 'Pages read and committed by the extractor',
          labelNames: ['vendor', 'stream'],
          registers: [registry],
        }),
    );
    this.events = metricOnce(
      registry,
      'fsm_extractor_events_total',
      () =>
        new Counter({
          name: 'fsm_extractor_events_total',
          help: 'Change and drift events appended to the outbox by the extractor',
          labelNames: ['vendor'],
          registers: [registry],
        }),
    );
    this.runs = metricOnce(
      registry,
      'fsm_extractor_runs_total',
      () =>
        new Counter({
          name: 'fsm_extractor_runs_total',
          help: 'Stream runs by outcome (caught_up, failed, lease_lost, stopped)',
          labelNames: ['vendor', 'stream', 'outcome'],
          registers: [registry],
        }),
    );
    this.retries = metricOnce(
      registry,
      'fsm_extractor_vendor_retries_total',
      () =>
        new Counter({
          name: 'fsm_extractor_vendor_retries_total',
          help: 'Vendor calls retried, by failure kind (rate_limited, unavailable, unauthorized)',
          labelNames: ['vendor', 'kind'],
          registers: [registry],
        }),
    );
    this.passRecords = metricOnce(
      registry,
      'fsm_extractor_backfill_records',
      () =>
        new Gauge({
          name: 'fsm_extractor_backfill_records',
          help: 'Records read so far by the running backfill / full pass of a stream',
          labelNames: ['connection_id', 'stream'],
          registers: [registry],
        }),
    );
    this.passRate = metricOnce(
      registry,
      'fsm_extractor_backfill_records_per_second',
      () =>
        new Gauge({
          name: 'fsm_extractor_backfill_records_per_second',
          help: 'Rate of the running backfill / full pass of a stream (records per second since it started here)',
          labelNames: ['connection_id', 'stream'],
          registers: [registry],
        }),
    );
    this.passEta = metricOnce(
      registry,
      'fsm_extractor_backfill_eta_seconds',
      () =>
        new Gauge({
          name: 'fsm_extractor_backfill_eta_seconds',
          help: 'Estimated seconds left in a backfill / full pass, where the reader reports a total (0 when done)',
          labelNames: ['connection_id', 'stream'],
          registers: [registry],
        }),
    );
  }

  recordsStored(vendor: string, stream: string, counts: Partial<Record<RecordOutcome, number>>): void {
    for (const [outcome, count] of Object.entries(counts)) {
      if (count > 0) this.records.inc({ vendor, stream, outcome }, count);
    }
  }

  pageCommitted(vendor: string, stream: string, events: number): void {
    this.pages.inc({ vendor, stream });
    if (events > 0) this.events.inc({ vendor }, events);
  }

  runEnded(vendor: string, stream: string, outcome: RunOutcome): void {
    this.runs.inc({ vendor, stream, outcome });
  }

  retried(vendor: string, kind: string): void {
    this.retries.inc({ vendor, kind });
  }

  passProgress(
    connectionId: string,
    stream: string,
    p: { records: number; rate: number; etaSeconds: number | null },
  ): void {
    const labels = { connection_id: connectionId, stream };
    this.passRecords.set(labels, p.records);
    this.passRate.set(labels, p.rate);
    if (p.etaSeconds !== null) this.passEta.set(labels, p.etaSeconds);
  }
}
