import { performance } from 'node:perf_hooks';
import { createUlidFactory } from '@fieldsync/canonical-model';
import { AuthFlowError } from '@fieldsync/connector-kit';
import { Vault } from '@fieldsync/vault';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { extractMfaCode } from './extract-mfa-code.util';
import { maskDestination } from './mask-destination.util';
import { mfaCodeContext } from './mfa.constants';
import { MfaRelayError } from './mfa.error';
import { MfaMetrics, type MfaWaitOutcome } from './mfa.metrics';
import type { InboundMfaMessage, MfaMessageSource, MfaWaitRequest } from './mfa.types';
import { MfaMessageRepository } from './mfa-message.repository';
import { MfaNotificationListener } from './mfa-notification.listener';
import { normaliseDestination } from './normalise-destination.util';
import { SandboxOutboxBridge } from './sandbox-outbox.bridge';

const CHANNEL_NAME = { sms: 'SMS', email: 'email' } as const;

/**
 * The inbound MFA relay: SMS and e-mail codes posted by a provider (`POST /mfa/inbound`) or read from the
 * vendor sandbox's outbox are stored sealed by the vault, and handed to the login waiting for them.
 *
 * A waiting login takes the oldest unconsumed message to its destination received since it asked
 * (less FIELDSYNC_MFA_CLOCK_SKEW), claimed atomically so two logins never get the same code. It is woken
 * by Postgres LISTEN/NOTIFY when a message is stored (on any replica), and polls every
 * FIELDSYNC_MFA_POLL_INTERVAL in case a notification is missed. Stored messages are purged after
 * FIELDSYNC_MFA_RETENTION.
 *
 * Codes and message bodies never appear in a log line, an error or a metric; destinations appear masked.
 */
@Injectable()
export class MfaRelayService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MfaRelayService.name);
  private readonly newUlid = createUlidFactory();
  /** Aborted at shutdown: every wait still running ends. */
  private readonly stopping = new AbortController();
  private purgeTimer: NodeJS.Timeout | undefined;
  private purging: Promise<unknown> | undefined;

  constructor(
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    @Inject(Vault) private readonly vault: Vault,
    @Inject(MfaMessageRepository) private readonly messages: MfaMessageRepository,
    @Inject(MfaNotificationListener) private readonly listener: MfaNotificationListener,
    @Inject(SandboxOutboxBridge) private readonly sandbox: SandboxOutboxBridge,
    @Inject(MfaMetrics) private readonly metrics: MfaMetrics,
  ) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => {
      this.purging = this.purgeExpired().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'purging old MFA messages failed; the next round retries'),
      );
    }, this.config.FIELDSYNC_MFA_PURGE_INTERVAL);
    // The purge never keeps the process alive on its own.
    this.purgeTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.purgeTimer);
    this.stopping.abort();
    await this.purging;
  }

  /**
   * Stores the code of one SMS or e-mail (the body itself is not kept) and wakes the logins waiting for
   * its destination. A message whose `externalId` is already stored is not stored again: its id is
   * returned.
   *
   * @throws MfaRelayError naming `to` (not a phone number / address) or `body` (no code in it).
   */
  async ingest(message: InboundMfaMessage, source: MfaMessageSource = 'relay'): Promise<{ id: string }> {
    const destination = normaliseDestination(message.channel, message.to, 'to');
    const code = extractMfaCode(message.body);
    const id = `mfm_${this.newUlid()}`;
    const sealed = this.vault.seal(code, mfaCodeContext(id));
    const stored = await this.messages.insert({
      id,
      channel: message.channel,
      destination,
      sender: message.from ?? null,
      code_encrypted: sealed.ciphertext,
      key_id: sealed.keyId,
      external_id: message.externalId ?? null,
      received_at: message.receivedAt ?? new Date(),
    });
    const masked = maskDestination(message.channel, destination);
    if (stored === undefined) {
      // Only a conflict on external_id skips the insert: the message is a redelivery.
      const existing =
        message.externalId === undefined
          ? undefined
          : await this.messages.findIdByExternalId(message.externalId);
      if (existing === undefined) throw new Error('MFA message neither stored nor found by its external id');
      this.logger.log(
        { messageId: existing, channel: message.channel, destination: masked, source },
        'MFA message already stored (redelivery ignored)',
      );
      return { id: existing };
    }
    this.metrics.codeReceived(message.channel, source);
    this.logger.log(
      { messageId: id, channel: message.channel, destination: masked, source },
      'MFA message stored',
    );
    return { id };
  }

  /**
   * Resolves with the code of the oldest unconsumed message for `destination` on `channel` received at
   * or after `since` (less the clock skew), which it marks consumed by `connectionId`.
   *
   * @throws AuthFlowError `mfa_timeout` when none arrives within `timeoutMs`; `mfa_failed` when the
   *   destination is no phone number / address; `unknown` when the service shuts down meanwhile.
   * @throws `signal.reason` when `signal` aborts.
   */
  async waitForCode(request: MfaWaitRequest): Promise<string> {
    const started = performance.now();
    let outcome: MfaWaitOutcome = 'error';
    try {
      const code = await this.awaitCode(request);
      outcome = 'delivered';
      return code;
    } catch (error) {
      if (error instanceof AuthFlowError && error.reason === 'mfa_timeout') outcome = 'timeout';
      else if (request.signal?.aborted || this.stopping.signal.aborted) outcome = 'aborted';
      throw error;
    } finally {
      this.metrics.waitEnded(outcome, (performance.now() - started) / 1_000);
    }
  }

  /** Deletes messages stored longer ago than FIELDSYNC_MFA_RETENTION; returns how many. */
  async purgeExpired(): Promise<number> {
    const deleted = await this.messages.deleteCreatedBefore(
      new Date(Date.now() - this.config.FIELDSYNC_MFA_RETENTION),
    );
    if (deleted > 0) this.logger.log({ deleted }, 'purged old MFA messages');
    return deleted;
  }

  private async awaitCode(request: MfaWaitRequest): Promise<string> {
    const { connectionId, channel } = request;
    const destination = this.destinationOf(request);
    const masked = maskDestination(channel, destination);
    const from = new Date(request.since.getTime() - this.config.FIELDSYNC_MFA_CLOCK_SKEW);
    const deadline = Date.now() + request.timeoutMs;
    const signal = request.signal
      ? AbortSignal.any([request.signal, this.stopping.signal])
      : this.stopping.signal;

    // Subscribed before the first look, so a message stored in between still wakes this wait.
    let woken = false;
    let wake: (() => void) | undefined;
    const unsubscribe = this.listener.subscribe(channel, destination, () => {
      woken = true;
      wake?.();
    });
    const waitOver = new AbortController();
    const bridge = this.startSandboxBridge(request, destination, from, waitOver.signal);
    this.logger.log(
      { connectionId, channel, destination: masked, timeoutMs: request.timeoutMs },
      'waiting for an MFA code',
    );
    try {
      for (;;) {
        this.throwIfAborted(request, signal);
        await this.listener.ensureListening();
        woken = false;
        const claimed = await this.messages.claimOldest({ channel, destination, from, connectionId });
        if (claimed) {
          this.logger.log(
            { connectionId, messageId: claimed.id, channel, destination: masked },
            'MFA code handed to the login',
          );
          return this.vault.openString(
            { keyId: claimed.keyId, ciphertext: claimed.codeEncrypted },
            mfaCodeContext(claimed.id),
          );
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new AuthFlowError(
            'mfa_timeout',
            `no ${CHANNEL_NAME[channel]} code for connection ${connectionId} arrived at ${masked} within ${request.timeoutMs} ms`,
          );
        }
        if (!woken) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              clearTimeout(timer);
              signal.removeEventListener('abort', done);
              wake = undefined;
              resolve();
            };
            const timer = setTimeout(done, Math.min(this.config.FIELDSYNC_MFA_POLL_INTERVAL, remaining));
            signal.addEventListener('abort', done, { once: true });
            wake = done;
          });
        }
      }
    } finally {
      unsubscribe();
      waitOver.abort();
      await bridge;
    }
  }

  private destinationOf(request: MfaWaitRequest): string {
    try {
      return normaliseDestination(request.channel, request.destination, 'destination');
    } catch (error) {
      if (!(error instanceof MfaRelayError)) throw error;
      throw new AuthFlowError(
        'mfa_failed',
        `connection ${request.connectionId} has an unusable MFA destination (${error.message})`,
        { cause: error },
      );
    }
  }

  private throwIfAborted(request: MfaWaitRequest, signal: AbortSignal): void {
    if (!signal.aborted) return;
    if (request.signal?.aborted) throw request.signal.reason;
    throw new AuthFlowError(
      'unknown',
      `the wait for connection ${request.connectionId}'s MFA code stopped: the session manager is shutting down`,
    );
  }

  private startSandboxBridge(
    request: MfaWaitRequest,
    destination: string,
    since: Date,
    signal: AbortSignal,
  ): Promise<void> | undefined {
    if (!this.config.FIELDSYNC_MFA_SANDBOX_OUTBOX) return undefined;
    if (request.portalUrl === undefined) {
      this.logger.warn(
        { connectionId: request.connectionId },
        'FIELDSYNC_MFA_SANDBOX_OUTBOX is on but the wait names no portalUrl: only the relay endpoint can deliver its code',
      );
      return undefined;
    }
    return this.sandbox.poll({
      portalUrl: request.portalUrl,
      channel: request.channel,
      destination,
      since,
      signal,
      ingest: (message) => this.ingest(message, 'sandbox'),
    });
  }
}
