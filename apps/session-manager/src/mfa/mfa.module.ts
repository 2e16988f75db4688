import { Module } from '@nestjs/common';
import { MfaInboundController } from './mfa-inbound.controller';
import { MfaMessageRepository } from './mfa-message.repository';
import { MfaNotificationListener } from './mfa-notification.listener';
import { MfaRelayService } from './mfa-relay.service';
import { MfaRelayTokenGuard } from './mfa-relay-token.guard';
import { MfaMetrics } from './mfa.metrics';
import { SandboxOutboxBridge } from './sandbox-outbox.bridge';

/**
 * The inbound MFA relay: `POST /mfa/inbound` and `MfaRelayService` (what the auth flows'
 * `waitForMfaCode` calls). Needs, from the application: `SESSION_MANAGER_CONFIG`, `DATABASE`
 * (PersistenceModule), `Vault` and `METRICS_REGISTRY`, all global there.
 */
@Module({
  controllers: [MfaInboundController],
  providers: [
    MfaRelayService,
    MfaMessageRepository,
    MfaNotificationListener,
    SandboxOutboxBridge,
    MfaMetrics,
    MfaRelayTokenGuard,
  ],
  exports: [MfaRelayService],
})
export class MfaModule {}
