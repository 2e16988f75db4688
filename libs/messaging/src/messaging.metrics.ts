import { Counter, Histogram, type Registry } from 'prom-client';

export type HandlerOutcome = 'ack' | 'retry' | 'dlq' | 'dlq_failed';

/** prom-client metrics of the JetStream transport; safe to create twice on one registry. */
export class MessagingMetrics {
  readonly handled: Counter<'consumer' | 'stream' | 'outcome'>;
  readonly duration: Histogram<'consumer' | 'outcome'>;
  readonly dlq: Counter<'consumer' | 'stream' | 'reason'>;

  constructor(registry: Registry) {
    this.handled = MessagingMetrics.getOrCreate(
      registry,
      'fsm_messaging_messages_handled_total',
      () =>
        new Counter({
          name: 'fsm_messaging_messages_handled_total',
          help: 'JetStream messages handled, by consumer and outcome (ack, retry, dlq, dlq_failed)',
          labelNames: ['consumer', 'stream', 'outcome'],
          registers: [registry],
        }),
    );
    this.duration = MessagingMetrics.getOrCreate(
      registry,
      'fsm_messaging_handler_duration_seconds',
      () =>
        new Histogram({
          name: 'fsm_messaging_handler_duration_seconds',
          help: 'Duration of JetStream message handlers',
          labelNames: ['consumer', 'outcome'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers: [registry],
        }),
    );
    this.dlq = MessagingMetrics.getOrCreate(
      registry,
      'fsm_messaging_dlq_total',
      () =>
        new Counter({
          name: 'fsm_messaging_dlq_total',
          help: 'Messages copied to FSM_DLQ and terminated',
          labelNames: ['consumer', 'stream', 'reason'],
          registers: [registry],
        }),
    );
  }

  private static getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
    return (registry.getSingleMetric(name) as T | undefined) ?? create();
  }
}
