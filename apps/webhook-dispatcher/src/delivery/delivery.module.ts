import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ChangeLog } from '@fieldsync/persistence';
import { KeyRing, Vault } from '@fieldsync/vault';
import { DynamicModule, Module } from '@nestjs/common';
import { deliverySettings, type DeliverySettings } from '../config/delivery.config';
import type { WebhookDispatcherConfig } from '../config/webhook-dispatcher.config';
import { AddressPolicy } from '../egress/address.policy';
import { systemResolver, type Resolver } from '../egress/guarded-connector';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { SigningSecrets } from '../endpoints/signing-secrets';
import { RetentionJob } from '../retention/retention.job';
import { CompletionWriter } from './completion.writer';
import {
  ADDRESS_POLICY,
  DELIVERY_SETTINGS,
  DNS_RESOLVER,
  REPLICA_ID,
  SIGNING_VAULT,
} from './delivery.constants';
import { DeliveryMetrics } from './delivery.metrics';
import { DeliveryWorker } from './delivery.worker';
import { MessageRepository } from './message.repository';
import { MessagesService } from './messages.service';
import { WebhookClient } from './webhook.client';

const EXPORTED = [
  DELIVERY_SETTINGS,
  ADDRESS_POLICY,
  DNS_RESOLVER,
  REPLICA_ID,
  SIGNING_VAULT,
  EndpointRepository,
  SigningSecrets,
  MessageRepository,
  ChangeLog,
  DeliveryMetrics,
  DeliveryWorker,
  MessagesService,
];

/**
 * The delivery ledger and everything that works it: claiming and sending (DeliveryWorker over the
 * SSRF-guarded WebhookClient), writing attempts (CompletionWriter) with their operational events through the change log, and
 * retention.
 */
@Module({})
export class DeliveryModule {
  static forRoot(config: WebhookDispatcherConfig, options: { resolver?: Resolver } = {}): DynamicModule {
    const settings = deliverySettings(config);
    return {
      module: DeliveryModule,
      global: true,
      providers: [
        { provide: DELIVERY_SETTINGS, useValue: settings },
        { provide: ADDRESS_POLICY, useValue: new AddressPolicy(settings.allowedNetworks) },
        { provide: DNS_RESOLVER, useValue: options.resolver ?? systemResolver },
        { provide: REPLICA_ID, useValue: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}` },
        {
          provide: SIGNING_VAULT,
          useValue: new Vault(
            KeyRing.from(
              { id: config.FIELDSYNC_VAULT_KEY_ID, key: config.FIELDSYNC_VAULT_KEY },
              config.FIELDSYNC_VAULT_PREVIOUS_KEYS,
            ),
          ),
        },
        {
          provide: WebhookClient,
          inject: [DELIVERY_SETTINGS, ADDRESS_POLICY, DNS_RESOLVER],
          useFactory: (s: DeliverySettings, policy: AddressPolicy, resolver: Resolver) =>
            new WebhookClient({ policy, resolver, timeoutMs: s.requestTimeoutMs }),
        },
        EndpointRepository,
        SigningSecrets,
        MessageRepository,
        ChangeLog,
        DeliveryMetrics,
        CompletionWriter,
        DeliveryWorker,
        MessagesService,
        RetentionJob,
      ],
      exports: EXPORTED,
    };
  }
}
