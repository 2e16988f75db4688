import type { DeliverySettings } from '../config/delivery.config';
import type { CompletionWriter } from './completion.writer';
import type { DeliveryMetrics } from './delivery.metrics';
import type { HeldMessage } from './endpoint.lanes';
import { decide } from './retry.policy';
import type { WebhookClient } from './webhook.client';

/**
 * One delivery attempt: sends the message (signed, through the SSRF-guarded client), counts it, decides
 * what comes next (retry policy) and hands the finished attempt to the CompletionWriter. After
 * `abandon()` (shutdown past its grace) finished attempts are no longer written: their leases run out
 * and the messages are sent again.
 */
export class AttemptSender {
  private abandoned = false;

  constructor(
    private readonly client: WebhookClient,
    private readonly completions: CompletionWriter,
    private readonly metrics: DeliveryMetrics,
    private readonly settings: DeliverySettings,
  ) {}

  async send(endpointId: string, held: HeldMessage): Promise<void> {
    const { message } = held;
    const attemptedAt = new Date();
    this.metrics.lagSeconds.observe(Math.max(0, attemptedAt.getTime() - message.dueAt.getTime()) / 1_000);
    const result = await this.client.send(
      { url: held.url, messageId: message.id, body: message.body, keys: held.keys },
      attemptedAt.getTime(),
    );
    this.metrics.recordAttempt(result.outcome, result.durationMs);
    if (this.abandoned) return;
    const decision = decide(result, message.scheduledAttempts + 1, this.settings);
    this.completions.add({
      message,
      endpoint: { id: endpointId, tenantId: message.tenantId, url: held.url },
      result,
      decision,
      attemptedAt,
    });
  }

  abandon(): void {
    this.abandoned = true;
  }
}
