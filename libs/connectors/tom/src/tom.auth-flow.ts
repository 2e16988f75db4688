import {
  checkedSessionPolicy,
  credentialForm,
  LoginNavigator,
  oneTimeCodeForm,
  portalOriginOf,
  probeSession,
  sessionCookiesOf,
  sessionFetch,
  type AuthFlow,
  type AuthFlowContext,
  type CapturedSession,
  type LoginPageView,
  type LogoutResult,
  type RefreshOrder,
  type SessionCheck,
  type SessionPolicy,
} from '@fieldsync/connector-kit';
import { tomEntitlements } from './tom-roles.util';
import { tomWhoamiSchema } from './tom.schemas';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * TOM's session lifetimes: Aptora Mobile II logs out after inactivity (its help pages say so without a
 * figure; 20 minutes is the sandbox's), 12 h absolute is ours. The session manager keeps the session alive
 * with `check` well inside the idle window, so the connection holds its one licensed seat instead of
 * signing in again.
 */
export const TOM_SESSION_POLICY: SessionPolicy = { idleMs: 20 * MINUTE_MS, absoluteMs: 12 * HOUR_MS };

export const TOM_LOGIN_PATH = '/Account/Login';
const SIGNED_IN = 'meta[name="csrf-token"]';
const WHOAMI_PATH = '/api/whoami';
const LICENSE_ERROR = '#license-error';
/** Mobile II's Log Out: a form post with the anti-forgery token, answered by a redirect to the sign-in page. */
export const TOM_LOGOFF_PATH = '/Account/LogOff';
const LOGOFF_TIMEOUT_MS = 15_000;

export interface TomAuthFlowOptions {
  /** Default TOM_SESSION_POLICY. */
  readonly sessionPolicy?: SessionPolicy;
  /** See LoginNavigatorOptions.settleMs. */
  readonly settleMs?: number;
}

/**
 * The Aptora Mobile II sign-in in a browser page: TOM user name + password on `/Account/Login` (the form
 * carries an anti-forgery token the browser posts back), then, for a user with a second factor, the code
 * of the authenticator app (`ctx.totp()`) or the emailed code (`ctx.waitForMfaCode`) on `/Account/Verify`.
 *
 * The company file's concurrent-connection licence is a failure of its own: the licence error page is
 * `license_limit`, retriable, so the session manager backs off and says so on the connection
 * (`connection.auth_failed` with that reason) instead of signing in again at once; it never takes a seat
 * from a person by force. Other outcomes are read from the page as in the other flows: refused password
 * (`invalid_credentials` at once, never retried toward TOM's lockout), locked user, refused code, unknown
 * page (`login_page_changed`), unavailable portal.
 *
 * The captured session is the portal's cookies plus the anti-forgery token its forms need (sent as a
 * header with form posts); the user and its role come from the signed-in page's whoami.
 */
export class TomAuthFlow implements AuthFlow {
  readonly vendor = 'tom' as const;
  readonly sessionPolicy: SessionPolicy;
  /** The company file counts sessions against its licence: the old one is logged off before a new sign-in. */
  readonly refreshOrder: RefreshOrder = 'release-first';
  private readonly settleMs: number | undefined;

  constructor(options: TomAuthFlowOptions = {}) {
    this.sessionPolicy = checkedSessionPolicy(options.sessionPolicy ?? TOM_SESSION_POLICY);
    this.settleMs = options.settleMs;
  }

  async login(ctx: AuthFlowContext): Promise<CapturedSession> {
    const portalUrl = portalOriginOf(ctx.credentials, this.vendor);
    const nav = new LoginNavigator(
      ctx.page,
      { vendorName: 'Total Office Manager', portalUrl, signedIn: SIGNED_IN },
      ctx.timeoutMs,
      this.settleMs === undefined ? {} : { settleMs: this.settleMs },
    );
    nav.protect(ctx.credentials.password);
    let step = 'sign-in page';
    try {
      await nav.open(TOM_LOGIN_PATH, step);
      step = 'password';
      const form = credentialForm(ctx.page);
      if (!(await nav.exists(form.identifier)) || !(await nav.exists(form.submit))) {
        throw nav.fail('login_page_changed', 'the sign-in page has no user name field or submit button');
      }
      await nav.fill(form.identifier, ctx.credentials.username, 'user name');
      await nav.fill(form.password, ctx.credentials.password, 'password');
      const since = new Date();
      await nav.submit(form.submit, 'password');
      let view = await this.viewOrLicenseError(nav);
      if (!view.signedIn && view.codeForm && !view.alert) {
        step = 'verification';
        view = await this.answerSecondFactor(ctx, nav, since);
      }
      if (!view.signedIn) throw nav.failureOf(view, step);
      step = 'session capture';
      return await this.capture(ctx, nav, portalUrl);
    } catch (error) {
      throw nav.asAuthFlowError(error, step);
    } finally {
      nav.dispose();
    }
  }

  /** `GET /api/whoami`: resets the inactivity timer and says whether the session still stands. */
  check(session: CapturedSession, signal?: AbortSignal): Promise<SessionCheck> {
    return probeSession(session, {
      path: WHOAMI_PATH,
      ...(signal ? { signal } : {}),
      idleExpiresAt: (body) => tomWhoamiSchema.safeParse(body).data?.session?.idleExpiresAt,
    });
  }

  /**
   * Mobile II's Log Out (`POST /Account/LogOff` with the anti-forgery token, as its menu's form sends
   * it): frees the licensed seat at once instead of after the inactivity logout. The portal answers a
   * redirect to the sign-in page whether the session was still open or had already ended; either way no
   * seat is held by it. Anything else (a refused token, 5xx, no answer) is `failed`.
   */
  async logout(session: CapturedSession, signal: AbortSignal): Promise<LogoutResult> {
    const token = session.headers['x-csrf-token'];
    if (token === undefined) return { released: false, error: 'the session carries no anti-forgery token' };
    let response: Response;
    try {
      response = await sessionFetch(session, TOM_LOGOFF_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ __RequestVerificationToken: token }).toString(),
        signal: AbortSignal.any([signal, AbortSignal.timeout(LOGOFF_TIMEOUT_MS)]),
      });
    } catch (error) {
      const why = error instanceof Error ? error.name : 'error';
      return { released: false, error: `POST ${TOM_LOGOFF_PATH} failed (${why})` };
    }
    await response.body?.cancel();
    const location = response.headers.get('location') ?? '';
    if (response.status >= 300 && response.status < 400 && location.includes(TOM_LOGIN_PATH)) {
      return { released: true };
    }
    return {
      released: false,
      error: `POST ${TOM_LOGOFF_PATH} answered HTTP ${response.status}${location ? ' (redirect elsewhere)' : ''}`,
    };
  }

  /** The page after a step, the licence error page being `license_limit`. */
  private async viewOrLicenseError(nav: LoginNavigator): Promise<LoginPageView> {
    if (await nav.exists(nav.page.locator(LICENSE_ERROR))) {
      throw nav.fail(
        'license_limit',
        'every concurrent connection the company file is licensed for is in use (the licence error page); backing off',
      );
    }
    return nav.view();
  }

  private async answerSecondFactor(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    since: Date,
  ): Promise<LoginPageView> {
    const { mfa } = ctx.credentials;
    const asked = await ctx.page
      .locator('[data-method]')
      .first()
      .getAttribute('data-method', { timeout: 1_000 })
      .catch(() => null);
    if (mfa.method !== 'totp' && mfa.method !== 'email') {
      throw nav.fail(
        'mfa_failed',
        `TOM asks for a ${asked ?? 'verification'} code but the connection's MFA method is ${mfa.method}`,
      );
    }
    if (asked !== null && asked !== mfa.method) {
      throw nav.fail(
        'mfa_failed',
        `TOM asks for a ${asked} code but the connection's MFA method is ${mfa.method}`,
      );
    }
    ctx.mfaRequired(mfa.method);
    const code = mfa.method === 'totp' ? await ctx.totp() : await ctx.waitForMfaCode({ since });
    nav.protect(code);
    const form = oneTimeCodeForm(ctx.page);
    await nav.fill(form.code, code, 'verification code');
    await nav.submit(form.submit, 'verification');
    const view = await this.viewOrLicenseError(nav);
    if (view.signedIn) return view;
    if (view.passwordForm && !view.alert && !view.locked) {
      throw nav.fail('mfa_timeout', 'the verification page expired before the code was entered');
    }
    throw nav.failureOf(view, 'verification');
  }

  private async capture(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    portalUrl: string,
  ): Promise<CapturedSession> {
    const token = await ctx.page.locator(SIGNED_IN).first().getAttribute('content');
    if (!token) throw nav.fail('login_page_changed', 'the signed-in page carries no anti-forgery token');
    const whoami = await nav.getJson(WHOAMI_PATH, tomWhoamiSchema);
    const entitlements = tomEntitlements(whoami.user.role);
    if (entitlements === undefined) {
      ctx.logger.warn(
        { vendor: this.vendor, connectionId: ctx.credentials.connectionId, role: whoami.user.role },
        'TOM role not in the entitlement table: the session gets no entitlements',
      );
    }
    const cookies = await sessionCookiesOf(ctx.page.context(), portalUrl);
    const establishedAt = whoami.session?.createdAt ?? new Date().toISOString();
    return {
      vendor: this.vendor,
      portalUrl,
      cookies,
      headers: { 'x-csrf-token': token },
      user: {
        id: whoami.user.id,
        name: whoami.user.displayName,
        role: whoami.user.role,
        entitlements: [...(entitlements ?? [])],
      },
      ...(whoami.tenant ? { account: whoami.tenant } : {}),
      establishedAt,
      expiresAt: new Date(Date.parse(establishedAt) + this.sessionPolicy.absoluteMs).toISOString(),
      // "Keep Me Logged In" is left unticked: a remembered browser would take a licensed seat on its own.
      deviceCookies: [],
    };
  }
}

/** The TOM flow with the default session policy. */
export const tomAuthFlow: AuthFlow = new TomAuthFlow();
