import { METRICS_REGISTRY } from '@fieldsync/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AttemptOutcome } from './retry.policy';

/** Prometheus metrics of fan-out and delivery (on the service's registry, `GET /metrics`). */
@Injectable()
export class DeliveryMetrics {
  readonly attempts: Counter<'outcome'>;
  readonly attemptSeconds: Histogram<'outcome'>;
  /** From when a message was due to when its attempt started. */
  readonly lagSeconds: Histogram;
  readonly inFlight: Gauge;
  readonly fanoutMessages: Counter;
  readonly disabledEndpoints: Counter<'reason'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'fsm_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome (succeeded, failed, timeout, network_error, refused)',
      labelNames: ['outcome'],
      registers,
    });
    this.attemptSeconds = new Histogram({
      name: 'fsm_webhook_delivery_attempt_duration_seconds',
      help: 'Duration of webhook delivery attempts',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    });
    this.lagSeconds = new Histogram({
      name: 'fsm_webhook_delivery_lag_seconds',
      help: 'Time from a message being due to its attempt starting',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'fsm_webhook_deliveries_in_flight',
      help: 'Webhook HTTP requests in flight in this replica',
      registers,
    });
    this.fanoutMessages = new Counter({
      name: 'fsm_webhook_fanout_messages_total',
      help: 'Messages (event × endpoint) recorded by fan-out',
      registers,
    });
    this.disabledEndpoints = new Counter({
      name: 'fsm_webhook_endpoints_disabled_total',
      help: 'Endpoints disabled by delivery (gone, consecutive_failures)',
      labelNames: ['reason'],
      registers,
    });
  }

  recordAttempt(outcome: AttemptOutcome, durationMs: number): void {
    this.attempts.inc({ outcome });
    this.attemptSeconds.observe({ outcome }, durationMs / 1_000);
  }
}
