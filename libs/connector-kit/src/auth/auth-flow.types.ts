import type { Vendor } from '@fieldsync/canonical-model';
import type { Page } from 'playwright-core';
import type { Logger } from 'pino';

/*
 * The auth contract between the session manager and each connector's `<vendor>.auth-flow.ts`.
 * The session manager owns credentials, MFA delivery, single-flight, storage and refresh; a flow only
 * drives the vendor's login pages in the browser page it is given and says what it captured.
 */

/** How the connection answers the vendor's second factor. */
export type MfaSettings =
  | { readonly method: 'none' }
  | { readonly method: 'totp' }
  | { readonly method: 'sms' | 'email'; readonly destination: string };

/** One vendor login of one tenant, decrypted for the length of one login (never logged). */
export interface ConnectionCredentials {
  readonly connectionId: string;
  readonly tenantId: string;
  readonly vendor: Vendor;
  /** Origin of the vendor portal, e.g. `https://go.servicetitan.com` or the sandbox's `http://127.0.0.1:4101`. */
  readonly portalUrl: string;
  readonly username: string;
  readonly password: string;
  readonly mfa: MfaSettings;
  /** Present when the vendor sends this user to an identity provider; the IdP password is `password`. */
  readonly sso?: { readonly username: string };
}

/** A cookie as the browser holds it (Playwright's shape). */
export interface SessionCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  /** Unix seconds; -1 for a session cookie. */
  readonly expires: number;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: 'Strict' | 'Lax' | 'None';
}

/** Who the captured session acts as: what `POST /sessions` returns as `user`. */
export interface SessionUser {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  /** Canonical capability names the role grants (`clients`, `jobs`, `scheduling`, `invoices`, `payments`, ...). */
  readonly entitlements: readonly string[];
}

/** The vendor account a session works in. */
export interface VendorAccount {
  readonly id: string;
  readonly name: string;
}

/** What a data call needs, captured at login; stored encrypted, never logged. */
export interface CapturedSession {
  readonly vendor: Vendor;
  readonly portalUrl: string;
  /** The portal's cookies after login (session cookie included). */
  readonly cookies: readonly SessionCookie[];
  /** Headers every data call sends besides `Cookie` (e.g. `x-csrf-token`, `authorization`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly user: SessionUser;
  /**
   * The vendor account (tenant) the session works in, where the vendor's API names it: ServiceTitan's
   * tenant id, which every API path carries. Read from the portal at login.
   */
  readonly account?: VendorAccount;
  /** ISO time the vendor accepted the login. */
  readonly establishedAt: string;
  /** ISO time the vendor ends the session whatever the activity (absolute lifetime). */
  readonly expiresAt: string;
  /**
   * Long-lived cookies worth restoring into the next login's fresh context (a recognised-device
   * cookie that spares the next SMS step). Never the session cookie itself.
   */
  readonly deviceCookies: readonly SessionCookie[];
}

/** Why a login did not produce a session. `retriable` drives the failure policy. */
export type AuthFailureReason =
  | 'invalid_credentials'
  | 'account_locked'
  | 'mfa_failed'
  | 'mfa_timeout'
  | 'sso_failed'
  /** The vendor's concurrent-session licence is full (TOM): back off and try later, never loop. */
  | 'license_limit'
  | 'login_page_changed'
  | 'vendor_unavailable'
  | 'unknown';

const RETRIABLE: Readonly<Record<AuthFailureReason, boolean>> = {
  invalid_credentials: false,
  account_locked: false,
  mfa_failed: false,
  login_page_changed: false,
  sso_failed: false,
  license_limit: true,
  mfa_timeout: true,
  vendor_unavailable: true,
  unknown: true,
};

/** A login that failed for a known reason. The message never contains a credential or a code. */
export class AuthFlowError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly reason: AuthFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthFlowError';
    this.retriable = RETRIABLE[reason];
  }
}

/** What the session manager hands a flow for one login. */
export interface AuthFlowContext {
  /** A page in a fresh browser context (device cookies of the previous session already restored). */
  readonly page: Page;
  readonly credentials: ConnectionCredentials;
  /** A TOTP code for the connection's stored secret, never one the vendor has already seen. */
  totp(): Promise<string>;
  /**
   * Waits for the SMS or email code the vendor sent after `since` (the MFA relay). Throws
   * `AuthFlowError('mfa_timeout')` when none arrives in time.
   */
  waitForMfaCode(request: { readonly since: Date }): Promise<string>;
  /** Tell the session manager the vendor asked for a code (emits `connection.mfa_required`). */
  mfaRequired(method: 'totp' | 'sms' | 'email'): void;
  readonly logger: Logger;
  /** Budget of the whole login; navigation and waits use it. */
  readonly timeoutMs: number;
}

/** Result of the cheap authenticated call. */
export type SessionCheck =
  | { readonly valid: true; readonly idleExpiresAt?: string }
  | { readonly valid: false; readonly reason: 'expired' | 'unauthorized' }
  | { readonly valid: 'unknown'; readonly error: string };

/** Vendor session lifetimes the session manager plans refreshes with (overridable per deployment). */
export interface SessionPolicy {
  /** Inactivity after which the vendor ends the session. */
  readonly idleMs: number;
  /** Lifetime after login whatever the activity. */
  readonly absoluteMs: number;
}

/**
 * What ending a session at the vendor came to. `released`: the vendor no longer holds it (it signed the
 * session out, or had already ended it: either way nothing of it is left at the vendor). `failed`: the
 * vendor could not be asked or did not confirm (network, 5xx, a refused token); the session may still
 * stand until the vendor's own timeout ends it. The error never contains a cookie or token.
 */
export type LogoutResult = { readonly released: true } | { readonly released: false; readonly error: string };

/**
 * How a session manager replaces a vendor session (a refresh) when the flow can `logout`:
 * - `login-first` (the default): sign in again, store the new session, then end the old one. No moment
 *   without a usable session; for that moment the vendor sees two.
 * - `release-first`: end the old session, then sign in. For a vendor that counts concurrent sessions
 *   against a licence (TOM): with the old one still open the new sign-in would take a second seat or,
 *   at the limit, be refused with the licence error. The price is a moment without a session (callers
 *   wait for the login, which holds the connection's lock) and, if the sign-in then fails, none until
 *   the backoff ends; a logout that fails leaves the old session in place and the refresh is not tried.
 */
export type RefreshOrder = 'login-first' | 'release-first';

/** One vendor's login, implemented by `libs/connectors/<vendor>/src/<vendor>.auth-flow.ts`. */
export interface AuthFlow {
  readonly vendor: Vendor;
  readonly sessionPolicy: SessionPolicy;
  /** See RefreshOrder; meaningful only with `logout`. Default `login-first`. */
  readonly refreshOrder?: RefreshOrder;
  /** Drives the login pages in `ctx.page` and captures the session; throws AuthFlowError on failure. */
  login(ctx: AuthFlowContext): Promise<CapturedSession>;
  /**
   * A cheap authenticated call with the session (it also resets the vendor's idle timer): the
   * keep-alive and the health check.
   */
  check(session: CapturedSession, signal?: AbortSignal): Promise<SessionCheck>;
  /**
   * Optional: ends the session at the vendor the way its Log Out link does, freeing what it holds there
   * (TOM's licensed seat). The session manager calls it when it lets a session go: on shutdown, when a
   * refresh replaces it, when the connection is disabled or its credentials change. A vendor without it
   * keeps its sessions until its own timeout ends them. Never throws for a vendor answer: `failed`.
   */
  logout?(session: CapturedSession, signal: AbortSignal): Promise<LogoutResult>;
}
