import type { MFA_CHANNELS } from './mfa.constants';

export type MfaChannel = (typeof MFA_CHANNELS)[number];

/** Where a stored message came from (the `source` label of `fsm_mfa_codes_received_total`). */
export type MfaMessageSource = 'relay' | 'sandbox';

/** One SMS or email as a provider (or the sandbox bridge) hands it to the relay. */
export interface InboundMfaMessage {
  readonly channel: MfaChannel;
  /** The phone number or address the message was sent to (normalised by the relay). */
  readonly to: string;
  /** The sender, when the provider says (not secret). */
  readonly from?: string;
  /** The message text; only the code extracted from it is stored. */
  readonly body: string;
  /** When the provider received it; default: now. */
  readonly receivedAt?: Date;
  /** The provider's message id (Twilio `MessageSid`, ...): a redelivery is stored once. */
  readonly externalId?: string;
}

/** A login waiting for the code the vendor just sent (what `AuthFlowContext.waitForMfaCode` becomes). */
export interface MfaWaitRequest {
  readonly connectionId: string;
  readonly channel: MfaChannel;
  /** The connection's MFA destination (phone number or address). */
  readonly destination: string;
  /** Only messages received at or after this instant (less the configured clock skew) are taken. */
  readonly since: Date;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The vendor portal's origin: where the sandbox bridge reads the outbox (when it is on). */
  readonly portalUrl?: string;
}
