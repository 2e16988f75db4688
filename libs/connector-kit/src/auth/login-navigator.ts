import type { Locator, Page, Request, Response } from 'playwright-core';
import type { z } from 'zod';
import { AuthFlowError, type AuthFailureReason } from './auth-flow.types';
import { LOGIN_OUTCOME_SELECTORS } from './login-form.util';

/** What tells one vendor portal's pages apart. */
export interface PortalMarkers {
  /** For messages: `ServiceTitan`, `Jobber`. */
  readonly vendorName: string;
  /** The portal's origin (`credentials.portalUrl`). */
  readonly portalUrl: string;
  /** A selector present only on signed-in pages (e.g. `meta[name="csrf-token"]`). */
  readonly signedIn: string;
  /** Path prefixes under the portal's own origin that belong to its identity provider. */
  readonly identityProviderPaths?: readonly string[];
  /** An alert matching this means the account is locked (default /locked/i); HTTP 423 always does. */
  readonly lockedText?: RegExp;
}

/** What the current page shows, once a step has settled. */
export interface LoginPageView {
  readonly path: string;
  /** HTTP status of the document (after redirects), when known. */
  readonly status: number | undefined;
  readonly signedIn: boolean;
  /** On the identity provider (another origin, or one of `identityProviderPaths`). */
  readonly identityProvider: boolean;
  readonly locked: boolean;
  /** A form with a one-time-code input. */
  readonly codeForm: boolean;
  /** A form with a password input. */
  readonly passwordForm: boolean;
  /** A `role="alert"` element (an error message). */
  readonly alert: boolean;
  /** Text of the alerts, for the flow's decisions only: never put it in an error message or a log. */
  readonly alertText: string;
}

export interface LoginNavigatorOptions {
  /**
   * How long a submitted form may take to start navigating, and a loaded page to show something the
   * flow knows, before the page counts as changed. Default 10 s (bounded by the login's budget).
   */
  readonly settleMs?: number;
}

const NET_ERROR = /net::ERR_[A-Z_]+/;

/**
 * Drives one login in one page against a time budget and turns what the page does into
 * `AuthFlowError`s: a page that does not load or answers 5xx/429 is `vendor_unavailable`, a form
 * that is missing or does not submit is `login_page_changed`. Errors never carry a credential or a
 * code: Playwright's own messages quote typed values (`fill("...")`), so causes are scrubbed of
 * every secret the flow registered, and a failed `fill` has no cause at all.
 */
export class LoginNavigator {
  private readonly deadline: number;
  private readonly settleMs: number;
  private readonly secrets = new Set<string>();
  private readonly portalOrigin: string;
  private documentStatus: number | undefined;
  private readonly onResponse = (response: Response): void => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === this.page.mainFrame()) {
      this.documentStatus = response.status();
    }
  };

  constructor(
    readonly page: Page,
    private readonly markers: PortalMarkers,
    private readonly timeoutMs: number,
    options: LoginNavigatorOptions = {},
  ) {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs: must be a positive number, got ${String(timeoutMs)}`);
    }
    this.deadline = Date.now() + timeoutMs;
    this.settleMs = options.settleMs ?? 10_000;
    this.portalOrigin = new URL(markers.portalUrl).origin;
    page.setDefaultTimeout(timeoutMs);
    page.setDefaultNavigationTimeout(timeoutMs);
    page.on('response', this.onResponse);
  }

  /** Values that must never appear in an error (password, codes): scrubbed from causes. */
  protect(...values: string[]): void {
    for (const value of values) if (value.length > 0) this.secrets.add(value);
  }

  /** What is left of the login's budget; the budget used up is `vendor_unavailable`. */
  remainingMs(): number {
    const left = this.deadline - Date.now();
    if (left <= 0) {
      throw new AuthFlowError(
        'vendor_unavailable',
        `${this.markers.vendorName}: the login used up its ${this.timeoutMs} ms budget`,
      );
    }
    return left;
  }

  /** Opens a page of the portal (`/login`); `what` names it in errors (`login page`). */
  async open(path: string, what: string): Promise<void> {
    const url = new URL(path, this.portalOrigin).href;
    let response: Response | null;
    try {
      response = await this.page.goto(url, { timeout: this.remainingMs(), waitUntil: 'load' });
    } catch (error) {
      throw this.fail('vendor_unavailable', `the ${what} did not load${this.netError(error)}`, error);
    }
    if (response) this.documentStatus = response.status();
    this.failWhenUnavailable(`the ${what}`);
  }

  async exists(locator: Locator): Promise<boolean> {
    return (await locator.count()) > 0;
  }

  /** Types `value` into `field`; a failure says which field, never the value (and keeps no cause). */
  async fill(locator: Locator, value: string, field: string): Promise<void> {
    try {
      await locator.fill(value, { timeout: Math.min(this.remainingMs(), this.settleMs) });
    } catch (error) {
      if (error instanceof AuthFlowError) throw error;
      throw new AuthFlowError(
        'login_page_changed',
        `${this.markers.vendorName}: could not type into the ${field} field`,
      );
    }
  }

  /**
   * Clicks a form's submit button and waits until the next page has loaded and shows something a
   * login outcome is made of (the signed-in marker, a password or code form, an alert). Pages that
   * navigate on their own (an identity provider's auto-posting assertion page) are waited through.
   */
  async submit(button: Locator, step: string): Promise<void> {
    const frame = this.page.mainFrame();
    const isDocument = (request: Request): boolean =>
      request.isNavigationRequest() && request.frame() === frame;
    const requested = this.page.waitForEvent('request', {
      predicate: isDocument,
      timeout: Math.min(this.remainingMs(), this.settleMs),
    });
    const navigated = this.page.waitForEvent('framenavigated', {
      predicate: (f) => f === frame,
      timeout: this.remainingMs(),
    });
    // Both are awaited below unless an earlier step throws: never an unhandled rejection.
    requested.catch(() => undefined);
    navigated.catch(() => undefined);
    try {
      // noWaitAfter: the navigation is awaited below, with errors that say what went wrong.
      await button.click({ timeout: Math.min(this.remainingMs(), this.settleMs), noWaitAfter: true });
    } catch (error) {
      throw this.fail('login_page_changed', `the ${step} form has no usable submit button`, error);
    }
    try {
      await requested;
    } catch (error) {
      throw this.fail('login_page_changed', `submitting the ${step} form did not leave the page`, error);
    }
    try {
      await navigated;
      await this.page.waitForLoadState('load', { timeout: this.remainingMs() });
    } catch (error) {
      throw this.fail(
        'vendor_unavailable',
        `the answer to the ${step} form did not arrive in time${this.netError(error)}`,
        error,
      );
    }
    this.failWhenUnavailable(`the answer to the ${step} form`);
    const outcome = this.page.locator([this.markers.signedIn, ...LOGIN_OUTCOME_SELECTORS].join(', '));
    try {
      await outcome
        .first()
        .waitFor({ state: 'attached', timeout: Math.min(this.remainingMs(), this.settleMs) });
    } catch (error) {
      this.failWhenUnavailable(`the answer to the ${step} form`);
      throw this.fail(
        'login_page_changed',
        `the page after the ${step} step (${this.path()}, HTTP ${String(this.documentStatus)}) is not one the flow knows`,
        error,
      );
    }
  }

  /** What the page shows now. */
  async view(): Promise<LoginPageView> {
    const url = new URL(this.page.url());
    const alerts = await this.page.locator('[role="alert"]').allTextContents();
    const alertText = alerts.join(' ').trim();
    const status = this.documentStatus;
    const [signedIn, codeForm, passwordForm] = await Promise.all([
      this.exists(this.page.locator(this.markers.signedIn)),
      this.exists(this.page.locator('form input[autocomplete="one-time-code"]')),
      this.exists(this.page.locator('form input[type="password"]')),
    ]);
    const identityProvider =
      url.origin !== this.portalOrigin ||
      (this.markers.identityProviderPaths ?? []).some((prefix) => url.pathname.startsWith(prefix));
    return {
      path: url.pathname,
      status,
      signedIn: signedIn && !identityProvider,
      identityProvider,
      locked: status === 423 || (alerts.length > 0 && (this.markers.lockedText ?? /locked/i).test(alertText)),
      codeForm,
      passwordForm,
      alert: alerts.length > 0,
      alertText,
    };
  }

  /**
   * The error for a page that shows no success: a locked account, a refused password or code, a
   * refused form (an alert and no form), or a page the flow does not know.
   */
  failureOf(view: LoginPageView, step: string): AuthFlowError {
    if (view.locked) return this.fail('account_locked', 'the account is locked');
    if (view.passwordForm && view.alert) {
      return this.fail('invalid_credentials', 'the user name or password was refused');
    }
    if (view.codeForm && view.alert) return this.fail('mfa_failed', 'the verification code was refused');
    if (view.alert) {
      return this.fail(
        'unknown',
        `the portal refused the ${step} step (${view.path}, HTTP ${String(view.status)})`,
      );
    }
    return this.fail(
      'login_page_changed',
      `the page after the ${step} step (${view.path}, HTTP ${String(view.status)}) is not one the flow knows`,
    );
  }

  /**
   * A JSON GET with the browser context's cookies (e.g. `/api/whoami` after sign-in), validated by
   * `schema`: 5xx/429 is `vendor_unavailable`, another non-200 `unknown`, a body of another shape
   * `login_page_changed` (the vendor changed its API; the message names the fields, not the values).
   */
  async getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(path, this.portalOrigin).href;
    let status: number;
    let text: string | undefined;
    try {
      const response = await this.page.request.get(url, {
        headers: { accept: 'application/json' },
        timeout: this.remainingMs(),
        failOnStatusCode: false,
        maxRedirects: 0,
      });
      status = response.status();
      text = status === 200 ? await response.text() : undefined;
    } catch (error) {
      throw this.fail('vendor_unavailable', `GET ${path} failed${this.netError(error)}`, error);
    }
    if (status >= 500 || status === 429) {
      throw this.fail('vendor_unavailable', `GET ${path} answered HTTP ${status}`);
    }
    if (status !== 200) throw this.fail('unknown', `GET ${path} answered HTTP ${status} after sign-in`);
    let body: unknown;
    try {
      body = JSON.parse(text ?? '');
    } catch {
      throw this.fail('login_page_changed', `GET ${path} answered 200 without JSON`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      throw this.fail('login_page_changed', `GET ${path} answered an unexpected shape (${fields})`);
    }
    return parsed.data;
  }

  /** The current path (no query: it may carry state tokens). */
  path(): string {
    return new URL(this.page.url()).pathname;
  }

  /** An AuthFlowError prefixed with the vendor, whose cause (if any) is scrubbed of every secret. */
  fail(reason: AuthFailureReason, message: string, cause?: unknown): AuthFlowError {
    if (cause instanceof AuthFlowError) return cause;
    return new AuthFlowError(
      reason,
      `${this.markers.vendorName}: ${message}`,
      cause === undefined ? undefined : { cause: this.scrub(cause) },
    );
  }

  /** Any error of a flow as an AuthFlowError: Playwright timeouts are the vendor's, the rest unknown. */
  asAuthFlowError(error: unknown, step: string): AuthFlowError {
    if (error instanceof AuthFlowError) return error;
    const timedOut =
      typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
    return this.fail(
      timedOut ? 'vendor_unavailable' : 'unknown',
      timedOut ? `the ${step} step timed out` : `the ${step} step failed unexpectedly`,
      error,
    );
  }

  dispose(): void {
    this.page.off('response', this.onResponse);
  }

  private failWhenUnavailable(what: string): void {
    const status = this.documentStatus;
    if (status !== undefined && (status >= 500 || status === 429)) {
      throw this.fail('vendor_unavailable', `${what} was HTTP ${status}`);
    }
  }

  private netError(error: unknown): string {
    const match = error instanceof Error ? NET_ERROR.exec(error.message) : null;
    return match ? ` (${match[0]})` : '';
  }

  private scrub(cause: unknown): Error {
    const source = cause instanceof Error ? cause : new Error(String(cause));
    const clean = (text: string): string => {
      let out = text;
      for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
      return out;
    };
    const scrubbed = new Error(clean(source.message));
    scrubbed.name = source.name;
    scrubbed.stack = clean(source.stack ?? '');
    return scrubbed;
  }
}
