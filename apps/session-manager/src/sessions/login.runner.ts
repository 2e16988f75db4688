import type { AuthFlow, AuthFlowContext, CapturedSession, SessionCookie } from '@fieldsync/connector-kit';
import { AuthFlowError, type BrowserPool } from '@fieldsync/connector-kit';
import { Inject, Injectable, Logger } from '@nestjs/common';
import * as OTPAuth from 'otpauth';
import { PinoLogger } from 'nestjs-pino';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import type { ConnectionRow } from '../connections/connections.repository';
import { MfaRelayService } from '../mfa/mfa-relay.service';
import { AUTH_FLOWS, BROWSER_POOL } from './session.constants';
import { SessionVault } from './session.vault';

const TOTP_STEP_MS = 30_000;

export interface LoginOptions {
  /** Recognised-device cookies of the previous session (spare the next SMS step). */
  deviceCookies: readonly SessionCookie[];
  /** The last TOTP time step this connection used: a vendor accepts a code once. */
  lastTotpStep: number | null;
  /** A code the integrator supplied with `POST /sessions` (used for this login's MFA step). */
  codeOverride?: string;
  /** Called when the vendor asks for a code (the `connection.mfa_required` event). */
  onMfaRequired(method: 'totp' | 'sms' | 'email'): void;
}

export interface LoginOutcome {
  session: CapturedSession;
  /** The TOTP step used, to store so the next login waits for a new one. */
  totpStep: number | null;
  durationMs: number;
}

/**
 * One vendor login: a fresh browser context from the pool, the vendor's auth flow, TOTP from the
 * stored secret (otpauth, RFC 6238) and SMS/email codes from the MFA relay. Credentials are decrypted
 * for the length of the login only.
 */
@Injectable()
export class LoginRunner {
  private readonly logger = new Logger(LoginRunner.name);

  constructor(
    @Inject(BROWSER_POOL) private readonly pool: BrowserPool,
    @Inject(AUTH_FLOWS) private readonly flows: ReadonlyMap<string, AuthFlow>,
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    private readonly mfa: MfaRelayService,
    private readonly vault: SessionVault,
    private readonly pino: PinoLogger,
  ) {}

  flowOf(vendor: string): AuthFlow {
    const flow = this.flows.get(vendor);
    if (!flow) throw new AuthFlowError('unknown', `no auth flow for vendor ${vendor}`);
    return flow;
  }

  async login(connection: ConnectionRow, options: LoginOptions): Promise<LoginOutcome> {
    const flow = this.flowOf(connection.vendor);
    const credentials = this.vault.credentials(connection);
    const started = Date.now();
    let totpStep: number | null = null;
    let overrideUsed = false;
    const takeOverride = (): string | undefined => {
      if (options.codeOverride === undefined || overrideUsed) return undefined;
      overrideUsed = true;
      return options.codeOverride;
    };
    const timeoutMs = this.config.SESSION_LOGIN_TIMEOUT;
    const abort = AbortSignal.timeout(timeoutMs);

    const session = await this.pool.withPage(
      async (page) => {
        const ctx: AuthFlowContext = {
          page,
          credentials,
          timeoutMs,
          logger: this.pino.logger.child({
            connectionId: connection.id,
            tenantId: connection.tenant_id,
            vendor: connection.vendor,
          }),
          mfaRequired: (method) => options.onMfaRequired(method),
          totp: async () => {
            const supplied = takeOverride();
            if (supplied !== undefined) return supplied;
            const secret = this.vault.totpSecret(connection);
            const last = totpStep ?? options.lastTotpStep ?? -1;
            let now = Date.now();
            const step = Math.floor(now / TOTP_STEP_MS);
            if (step <= last) {
              // The vendor has seen this step's code: wait for the next one rather than be refused.
              const waitMs = (last + 1) * TOTP_STEP_MS - now + 100;
              this.logger.log({ connectionId: connection.id, waitMs }, 'waiting for a fresh TOTP step');
              await new Promise((resolve) => setTimeout(resolve, waitMs));
              now = Date.now();
            }
            totpStep = Math.floor(now / TOTP_STEP_MS);
            return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
              timestamp: now,
            });
          },
          waitForMfaCode: async ({ since }) => {
            const supplied = takeOverride();
            if (supplied !== undefined) return supplied;
            if (credentials.mfa.method !== 'sms' && credentials.mfa.method !== 'email') {
              throw new AuthFlowError(
                'mfa_failed',
                `connection ${connection.id} has no SMS or email destination for the code`,
              );
            }
            return this.mfa.waitForCode({
              connectionId: connection.id,
              channel: credentials.mfa.method,
              destination: credentials.mfa.destination,
              since,
              timeoutMs: this.config.SESSION_MFA_TIMEOUT,
              signal: abort,
              portalUrl: connection.portal_url,
            });
          },
        };
        return flow.login(ctx);
      },
      { cookies: options.deviceCookies, signal: abort },
    );
    return { session, totpStep, durationMs: Date.now() - started };
  }
}
