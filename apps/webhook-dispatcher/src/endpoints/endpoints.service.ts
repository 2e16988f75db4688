import { ChangeLog, DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { WebhookApiError } from '../api/webhook-api.error';
import type { DeliverySettings } from '../config/delivery.config';
import { ADDRESS_POLICY, DELIVERY_SETTINGS, DNS_RESOLVER } from '../delivery/delivery.constants';
import { MessageRepository } from '../delivery/message.repository';
import type { AddressPolicy } from '../egress/address.policy';
import { endpointUrlProblem } from '../egress/endpoint-url.util';
import type { Resolver } from '../egress/guarded-connector';
import { endpointDisabledEvent } from '../operational/operational-event.factory';
import { newEndpointId, newSecretId } from '../webhook-ids.util';
import { generateSecret } from '@fieldsync/canonical-model';
import type { CreateEndpointRequest, UpdateEndpointRequest } from './endpoint-request.schema';
import { EndpointRepository, type EndpointPatch, type EndpointRow } from './endpoint.repository';
import { SigningSecrets } from './signing-secrets';

/** The endpoint registry: validation, secrets, enable/disable. Every method is scoped by tenant. */
@Injectable()
export class EndpointsService {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly endpoints: EndpointRepository,
    private readonly messages: MessageRepository,
    private readonly secrets: SigningSecrets,
    private readonly changeLog: ChangeLog,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
    @Inject(ADDRESS_POLICY) private readonly policy: AddressPolicy,
    @Inject(DNS_RESOLVER) private readonly resolver: Resolver,
  ) {}

  private async checkUrl(url: string): Promise<string> {
    const problem = await endpointUrlProblem(url, {
      allowHttp: this.settings.allowHttp,
      policy: this.policy,
      resolver: this.resolver,
    });
    if (problem !== undefined) throw WebhookApiError.invalid('url', problem);
    return new URL(url).toString();
  }

  async create(
    tenantId: string,
    request: CreateEndpointRequest,
  ): Promise<{ endpoint: EndpointRow; secret: string }> {
    const url = await this.checkUrl(request.url);
    if (!(await this.endpoints.tenantExists(tenantId))) throw WebhookApiError.notFound(`tenant ${tenantId}`);
    const id = newEndpointId();
    const secret = request.secret ?? generateSecret();
    const endpoint = await this.endpoints.create({
      id,
      tenantId,
      url,
      description: request.description ?? null,
      eventTypes: request.eventTypes ?? null,
      vendors: request.vendors ?? null,
      connectionIds: request.connectionIds ?? null,
      rateLimitPerSecond: request.rateLimitPerSecond ?? null,
      ordered: request.ordered ?? false,
      secret: this.secrets.seal(id, secret),
      disabled: request.disabled ?? false,
    });
    return { endpoint, secret };
  }

  async get(tenantId: string, id: string): Promise<EndpointRow> {
    const endpoint = await this.endpoints.find(tenantId, id);
    if (!endpoint) throw WebhookApiError.notFound(`endpoint ${id}`);
    return endpoint;
  }

  list(tenantId: string, limit: number, after?: string): Promise<EndpointRow[]> {
    return this.endpoints.list(tenantId, limit, after);
  }

  async update(tenantId: string, id: string, request: UpdateEndpointRequest): Promise<EndpointRow> {
    const patch: EndpointPatch = {};
    if (request.url !== undefined) patch.url = await this.checkUrl(request.url);
    if (request.description !== undefined) patch.description = request.description;
    if (request.eventTypes !== undefined) patch.event_types = request.eventTypes;
    if (request.vendors !== undefined) patch.vendors = request.vendors;
    if (request.connectionIds !== undefined) patch.connection_ids = request.connectionIds;
    if (request.rateLimitPerSecond !== undefined) patch.rate_limit_per_second = request.rateLimitPerSecond;
    if (request.ordered !== undefined) patch.ordered = request.ordered;
    const endpoint = await this.endpoints.update(tenantId, id, patch);
    if (!endpoint) throw WebhookApiError.notFound(`endpoint ${id}`);
    return endpoint;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.endpoints.delete(tenantId, id))) throw WebhookApiError.notFound(`endpoint ${id}`);
  }

  async enable(tenantId: string, id: string): Promise<EndpointRow> {
    const endpoint = await this.endpoints.enable(tenantId, id);
    if (!endpoint) throw WebhookApiError.notFound(`endpoint ${id}`);
    return endpoint;
  }

  /**
   * Disables the endpoint: its pending messages fail (`endpoint_disabled`; recover brings them back) and
   * an `endpoint.disabled` event (reason `manual`) goes to the tenant's operational endpoints.
   */
  async disable(tenantId: string, id: string): Promise<EndpointRow> {
    await this.db.transaction().execute(async (trx) => {
      const [done] = await this.endpoints.disable(trx, [id], 'manual', tenantId);
      if (!done) return false;
      await this.messages.failPendingOfEndpoints(trx, [id]);
      await this.changeLog.announce(trx, [
        endpointDisabledEvent({
          tenantId,
          endpointId: id,
          reason: 'manual',
          failingSince: done.failingSince,
          lastStatusCode: null,
        }),
      ]);
      return true;
    });
    return this.get(tenantId, id);
  }

  async secret(tenantId: string, id: string): Promise<string> {
    const sealed = await this.endpoints.currentSecret(tenantId, id);
    if (!sealed) throw WebhookApiError.notFound(`endpoint ${id}`);
    return this.secrets.open(id, sealed);
  }

  /** A new signing secret; the old one keeps signing for WEBHOOK_SECRET_ROTATION_GRACE. */
  async rotateSecret(
    tenantId: string,
    id: string,
    requested?: string,
  ): Promise<{ secret: string; previousValidUntil: Date }> {
    const secret = requested ?? generateSecret();
    const previousValidUntil = new Date(Date.now() + this.settings.secretRotationGraceMs);
    const endpoint = await this.endpoints.rotateSecret(
      tenantId,
      id,
      this.secrets.seal(id, secret),
      newSecretId(),
      previousValidUntil,
    );
    if (!endpoint) throw WebhookApiError.notFound(`endpoint ${id}`);
    return { secret, previousValidUntil };
  }
}
