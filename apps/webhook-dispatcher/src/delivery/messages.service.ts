import { Injectable } from '@nestjs/common';
import { WebhookApiError } from '../api/webhook-api.error';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { RECOVER_MAX_WINDOW_MS } from './delivery.constants';
import { DeliveryWorker } from './delivery.worker';
import {
  MessageRepository,
  type AttemptRow,
  type MessageRow,
  type MessageStatus,
} from './message.repository';

const MAX_ATTEMPTS_LISTED = 250;

/** Inspection and replay of the ledger: messages, attempts, resend, recover. Scoped by tenant. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly endpoints: EndpointRepository,
    private readonly worker: DeliveryWorker,
  ) {}

  private async requireEndpoint(tenantId: string, endpointId: string): Promise<void> {
    if (!(await this.endpoints.find(tenantId, endpointId)))
      throw WebhookApiError.notFound(`endpoint ${endpointId}`);
  }

  async listByEndpoint(
    tenantId: string,
    endpointId: string,
    options: { limit: number; before?: string | undefined; status?: MessageStatus | undefined },
  ): Promise<MessageRow[]> {
    await this.requireEndpoint(tenantId, endpointId);
    return this.messages.listByEndpoint(tenantId, endpointId, {
      limit: options.limit,
      ...(options.before === undefined ? {} : { before: options.before }),
      ...(options.status === undefined ? {} : { status: options.status }),
    });
  }

  async get(
    tenantId: string,
    id: string,
  ): Promise<{ message: MessageRow & { payload: string }; attempts: AttemptRow[] }> {
    const message = await this.messages.find(tenantId, id);
    if (!message) throw WebhookApiError.notFound(`message ${id}`);
    const attempts = await this.messages.listAttempts(tenantId, id, MAX_ATTEMPTS_LISTED);
    return { message, attempts };
  }

  async attempts(tenantId: string, id: string): Promise<AttemptRow[]> {
    const message = await this.messages.find(tenantId, id);
    if (!message) throw WebhookApiError.notFound(`message ${id}`);
    return this.messages.listAttempts(tenantId, id, MAX_ATTEMPTS_LISTED);
  }

  /** Sends the message again now (same `webhook-id`), with a fresh retry schedule. */
  async resend(tenantId: string, id: string): Promise<MessageRow> {
    const message = await this.messages.resend(tenantId, id);
    if (!message) throw WebhookApiError.notFound(`message ${id}`);
    this.worker.wake();
    return message;
  }

  /** Sends again every failed message of the endpoint created in [since, until) — at most 14 days back. */
  async recover(tenantId: string, endpointId: string, since: Date, until: Date): Promise<number> {
    if (since.getTime() < Date.now() - RECOVER_MAX_WINDOW_MS) {
      throw WebhookApiError.invalid('since', 'must be within the last 14 days');
    }
    if (until.getTime() <= since.getTime()) throw WebhookApiError.invalid('until', 'must be after since');
    await this.requireEndpoint(tenantId, endpointId);
    const recovered = await this.messages.recover(tenantId, endpointId, since, until);
    if (recovered > 0) this.worker.wake();
    return recovered;
  }
}
