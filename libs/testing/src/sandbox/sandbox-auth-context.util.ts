import { AuthFlowError, type AuthFlowContext, type ConnectionCredentials } from '@fieldsync/connector-kit';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import pino, { type Logger } from 'pino';
import type { PortalHandle } from './sandbox.fixture';
import { OutboxCodeTimeoutError, waitForOutboxCode } from './sandbox-outbox.util';

export interface SandboxAuthContextOptions {
  readonly page: Page;
  readonly credentials: ConnectionCredentials;
  /** Where SMS and email codes are read (the portal's outbox). */
  readonly portal: PortalHandle;
  /** Base32 TOTP secret of the user (`userOf(portal, name).totpSecret`), for `totp()`. */
  readonly totpSecret?: string;
  /** The login's budget. Default 45 s. */
  readonly timeoutMs?: number;
  /** How long `waitForMfaCode` polls the outbox. Default 15 s. */
  readonly mfaTimeoutMs?: number;
  /** Default: silent. */
  readonly logger?: Logger;
}

export interface SandboxAuthContext extends AuthFlowContext {
  /** Every `mfaRequired` call of the flow, in order. */
  readonly mfaPrompts: readonly ('totp' | 'sms' | 'email')[];
}

const TOTP_STEP_MS = 30_000;

/**
 * An `AuthFlowContext` for tests of auth flows against the sandbox: TOTP codes from the user's secret
 * (never the same 30 s step twice, as the sandbox refuses a replayed code), SMS/email codes from the
 * portal's outbox, and a record of the MFA prompts.
 */
export function sandboxAuthContext(options: SandboxAuthContextOptions): SandboxAuthContext {
  const { credentials, portal } = options;
  const mfaPrompts: ('totp' | 'sms' | 'email')[] = [];
  let lastTotpStep = -1;
  return {
    page: options.page,
    credentials,
    logger: options.logger ?? pino({ level: 'silent' }),
    timeoutMs: options.timeoutMs ?? 45_000,
    mfaPrompts,
    mfaRequired(method) {
      mfaPrompts.push(method);
    },
    async totp() {
      if (options.totpSecret === undefined) throw new Error('sandboxAuthContext: no totpSecret given');
      let step = Math.floor(Date.now() / TOTP_STEP_MS);
      if (step <= lastTotpStep) {
        await new Promise((resolve) =>
          setTimeout(resolve, (lastTotpStep + 1) * TOTP_STEP_MS - Date.now() + 50),
        );
        step = Math.floor(Date.now() / TOTP_STEP_MS);
      }
      lastTotpStep = step;
      return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(options.totpSecret) }).generate({
        timestamp: step * TOTP_STEP_MS,
      });
    },
    async waitForMfaCode({ since }) {
      const { mfa } = credentials;
      if (mfa.method !== 'sms' && mfa.method !== 'email') {
        throw new AuthFlowError(
          'mfa_failed',
          `the connection has no SMS or email destination (${mfa.method})`,
        );
      }
      try {
        return await waitForOutboxCode(portal, {
          to: mfa.destination,
          since,
          timeoutMs: options.mfaTimeoutMs ?? 15_000,
        });
      } catch (error) {
        if (error instanceof OutboxCodeTimeoutError) {
          throw new AuthFlowError('mfa_timeout', 'no verification code arrived in time');
        }
        throw error;
      }
    },
  };
}
