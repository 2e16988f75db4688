import { METRICS_REGISTRY } from '@fieldsync/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { MfaChannel, MfaMessageSource } from './mfa.types';

/** How a wait for a code ended (the `outcome` label of `fsm_mfa_wait_seconds`). */
export type MfaWaitOutcome = 'delivered' | 'timeout' | 'aborted' | 'error';

/** The relay's metrics, on the service's registry (`/metrics`). */
@Injectable()
export class MfaMetrics {
  private readonly received: Counter<'channel' | 'source'>;
  private readonly wait: Histogram<'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.received = new Counter({
      name: 'fsm_mfa_codes_received_total',
      help: 'SMS and email codes stored by the MFA relay (redeliveries of a stored message not counted)',
      labelNames: ['channel', 'source'],
      registers: [registry],
    });
    this.wait = new Histogram({
      name: 'fsm_mfa_wait_seconds',
      help: 'How long logins waited for an SMS or email code, by outcome',
      labelNames: ['outcome'],
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers: [registry],
    });
  }

  codeReceived(channel: MfaChannel, source: MfaMessageSource): void {
    this.received.inc({ channel, source });
  }

  waitEnded(outcome: MfaWaitOutcome, seconds: number): void {
    this.wait.observe({ outcome }, seconds);
  }
}
