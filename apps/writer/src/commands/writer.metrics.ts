import { metricOnce } from '@fieldsync/platform';
import { Counter, Histogram, type Registry } from 'prom-client';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The writer's metrics on the service registry (`/metrics`). */
export class WriterMetrics {
  private readonly commands: Counter<'vendor' | 'type' | 'status'>;
  private readonly replays: Counter<'type'>;
  private readonly vendorFailures: Counter<'type' | 'kind'>;
  private readonly duration: Histogram<'vendor' | 'type'>;
  private readonly overhead: Histogram<'vendor' | 'type'>;

  constructor(registry: Registry) {
    this.commands = metricOnce(
      registry,
      'fsm_writer_commands_total',
      () =>
        new Counter({
          name: 'fsm_writer_commands_total',
          help: 'Commands answered by the writer, by final status (succeeded, failed, rejected)',
          labelNames: ['vendor', 'type', 'status'],
          registers: [registry],
        }),
    );
    this.replays = metricOnce(
      registry,
      'fsm_writer_replays_total',
      () =>
        new Counter({
          name: 'fsm_writer_replays_total',
          help: 'Commands answered with the stored result of their idempotency key',
          labelNames: ['type'],
          registers: [registry],
        }),
    );
    this.vendorFailures = metricOnce(
      registry,
      'fsm_writer_vendor_failures_total',
      () =>
        new Counter({
          name: 'fsm_writer_vendor_failures_total',
          help: 'Vendor calls that failed transiently (unauthorized, rate_limited, unavailable)',
          labelNames: ['type', 'kind'],
          registers: [registry],
        }),
    );
    this.duration = metricOnce(
      registry,
      'fsm_writer_command_duration_seconds',
      () =>
        new Histogram({
          name: 'fsm_writer_command_duration_seconds',
          help: 'Time from taking a command to its stored result, vendor calls included',
          labelNames: ['vendor', 'type'],
          buckets: SECONDS,
          registers: [registry],
        }),
    );
    this.overhead = metricOnce(
      registry,
      'fsm_writer_overhead_seconds',
      () =>
        new Histogram({
          name: 'fsm_writer_overhead_seconds',
          help: "The writer's own time per succeeded command: its duration minus the vendor calls",
          labelNames: ['vendor', 'type'],
          buckets: SECONDS,
          registers: [registry],
        }),
    );
  }

  completed(vendor: string | null, type: string, status: string, totalMs: number, vendorMs: number): void {
    const v = vendor ?? 'unknown';
    this.commands.inc({ vendor: v, type, status });
    if (status === 'succeeded') {
      this.duration.observe({ vendor: v, type }, totalMs / 1000);
      this.overhead.observe({ vendor: v, type }, Math.max(0, totalMs - vendorMs) / 1000);
    }
  }

  replayed(type: string): void {
    this.replays.inc({ type });
  }

  vendorFailure(type: string, kind: string): void {
    this.vendorFailures.inc({ type, kind });
  }
}
