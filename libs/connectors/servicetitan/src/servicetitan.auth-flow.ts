import {
  checkedSessionPolicy,
  credentialForm,
  LoginNavigator,
  oneTimeCodeForm,
  portalOriginOf,
  probeSession,
  sessionCookiesOf,
  type AuthFlow,
  type AuthFlowContext,
  type CapturedSession,
  type LoginPageView,
  type SessionCheck,
  type SessionPolicy,
} from '@fieldsync/connector-kit';
import { servicetitanEntitlements } from './servicetitan-roles.util';
import { servicetitanCsrfSchema, servicetitanWhoamiSchema } from './servicetitan.schemas';

const HOUR_MS = 3_600_000;

/**
 * ServiceTitan does not publish its session lifetimes; these are the sandbox portal's (2 h idle,
 * 12 h absolute), which the session manager may override per deployment.
 */
export const SERVICETITAN_SESSION_POLICY: SessionPolicy = { idleMs: 2 * HOUR_MS, absoluteMs: 12 * HOUR_MS };

const SIGNED_IN = 'meta[name="csrf-token"]';
const WHOAMI_PATH = '/api/whoami';

export interface ServiceTitanAuthFlowOptions {
  /** Default SERVICETITAN_SESSION_POLICY. */
  readonly sessionPolicy?: SessionPolicy;
  /** See LoginNavigatorOptions.settleMs. */
  readonly settleMs?: number;
}

type CodeMethod = 'totp' | 'sms' | 'email';

/**
 * ServiceTitan "Go" login in a browser page: user name + password on `/login`, then a TOTP or SMS
 * code, or, for SSO users, the identity provider's sign-in page (`/idp/…` in the sandbox, another
 * origin in production) which posts an assertion back to the portal. Fields are found by the
 * attributes password managers use, so a redesigned login page (new ids, names, labels) still works.
 *
 * Outcomes are read from the page: the dashboard's CSRF meta = signed in; a re-rendered login form
 * with an alert = wrong password (`invalid_credentials` at once: never a second try, ServiceTitan
 * locks the account after 5 failures); HTTP 423 or a "locked" alert = `account_locked`; the code
 * form again with an alert = `mfa_failed`; no recognisable form = `login_page_changed`; network
 * errors, 429 and 5xx = `vendor_unavailable`.
 */
export class ServiceTitanAuthFlow implements AuthFlow {
  readonly vendor = 'servicetitan' as const;
  readonly sessionPolicy: SessionPolicy;
  private readonly settleMs: number | undefined;

  constructor(options: ServiceTitanAuthFlowOptions = {}) {
    this.sessionPolicy = checkedSessionPolicy(options.sessionPolicy ?? SERVICETITAN_SESSION_POLICY);
    this.settleMs = options.settleMs;
  }

  async login(ctx: AuthFlowContext): Promise<CapturedSession> {
    const portalUrl = portalOriginOf(ctx.credentials, this.vendor);
    const nav = new LoginNavigator(
      ctx.page,
      { vendorName: 'ServiceTitan', portalUrl, signedIn: SIGNED_IN, identityProviderPaths: ['/idp/'] },
      ctx.timeoutMs,
      this.settleMs === undefined ? {} : { settleMs: this.settleMs },
    );
    nav.protect(ctx.credentials.password);
    let step = 'login page';
    try {
      await nav.open('/login', step);
      step = 'password';
      // Taken before the step that makes the portal send the SMS (the MFA page it redirects to).
      const since = new Date();
      let view = await this.submitCredentials(ctx, nav);
      if (view.identityProvider) {
        step = 'identity provider';
        view = await this.signInAtIdentityProvider(ctx, nav);
      }
      if (!view.signedIn && view.codeForm && !view.alert) {
        step = 'verification code';
        view = await this.answerCode(ctx, nav, since);
      }
      if (!view.signedIn) {
        if (view.codeForm && step !== 'verification code') {
          // The code page opened with an error: the portal refuses to send another code for now.
          throw nav.fail('vendor_unavailable', 'the verification step opened with an error (no code sent)');
        }
        throw nav.failureOf(view, step);
      }
      step = 'session capture';
      return await this.capture(ctx, nav, portalUrl);
    } catch (error) {
      throw nav.asAuthFlowError(error, step);
    } finally {
      nav.dispose();
    }
  }

  /** `GET /api/whoami`: resets the portal's idle timer and says whether the session still stands. */
  check(session: CapturedSession, signal?: AbortSignal): Promise<SessionCheck> {
    return probeSession(session, {
      path: WHOAMI_PATH,
      ...(signal ? { signal } : {}),
      idleExpiresAt: (body) => servicetitanWhoamiSchema.safeParse(body).data?.session?.idleExpiresAt,
    });
  }

  private async submitCredentials(ctx: AuthFlowContext, nav: LoginNavigator): Promise<LoginPageView> {
    const form = credentialForm(ctx.page);
    if (!(await nav.exists(form.identifier)) || !(await nav.exists(form.submit))) {
      throw nav.fail('login_page_changed', 'the login page has no user name field or submit button');
    }
    await nav.fill(form.identifier, ctx.credentials.username, 'user name');
    // An SSO user's password belongs to the identity provider only: the portal never sees it.
    if (!ctx.credentials.sso) await nav.fill(form.password, ctx.credentials.password, 'password');
    await nav.submit(form.submit, 'password');
    return nav.view();
  }

  private async signInAtIdentityProvider(ctx: AuthFlowContext, nav: LoginNavigator): Promise<LoginPageView> {
    const { sso } = ctx.credentials;
    if (!sso) {
      throw nav.fail(
        'sso_failed',
        'the portal sends this user to an identity provider, but the connection has no SSO user name',
      );
    }
    const form = credentialForm(ctx.page);
    if (!(await nav.exists(form.identifier)) || !(await nav.exists(form.submit))) {
      throw nav.fail('login_page_changed', 'the identity provider page has no sign-in form');
    }
    await nav.fill(form.identifier, sso.username, 'identity provider user name');
    await nav.fill(form.password, ctx.credentials.password, 'identity provider password');
    await nav.submit(form.submit, 'identity provider');
    const view = await nav.view();
    if (view.signedIn || view.codeForm) return view;
    if (view.identityProvider && view.passwordForm && view.alert) {
      throw nav.fail('invalid_credentials', 'the identity provider refused the SSO user name or password');
    }
    if (view.alert && !view.locked) {
      throw nav.fail(
        'sso_failed',
        `the portal refused the identity provider's answer (HTTP ${String(view.status)})`,
      );
    }
    throw nav.failureOf(view, 'identity provider');
  }

  private async answerCode(ctx: AuthFlowContext, nav: LoginNavigator, since: Date): Promise<LoginPageView> {
    const { mfa } = ctx.credentials;
    const asked = await this.askedMethod(ctx);
    if (mfa.method === 'none') {
      throw nav.fail(
        'mfa_failed',
        'the portal asks for a verification code but the connection has no MFA method',
      );
    }
    if (asked !== undefined && asked !== mfa.method) {
      throw nav.fail(
        'mfa_failed',
        `the portal asks for a ${asked} code but the connection is set up for ${mfa.method}`,
      );
    }
    ctx.mfaRequired(mfa.method);
    const code = mfa.method === 'totp' ? await ctx.totp() : await ctx.waitForMfaCode({ since });
    nav.protect(code);
    const form = oneTimeCodeForm(ctx.page);
    await nav.fill(form.code, code, 'verification code');
    await nav.submit(form.submit, 'verification code');
    const view = await nav.view();
    if (view.signedIn) return view;
    if (view.passwordForm && !view.alert && !view.locked) {
      throw nav.fail('mfa_timeout', 'the verification step expired before the code was entered');
    }
    throw nav.failureOf(view, 'verification code');
  }

  /** The method the code page asks for: its `data-method` attribute, else the prompt's wording. */
  private async askedMethod(ctx: AuthFlowContext): Promise<CodeMethod | undefined> {
    const marked = ctx.page.locator('[data-method]').first();
    const attribute = (await marked.count()) > 0 ? await marked.getAttribute('data-method') : null;
    if (attribute === 'totp' || attribute === 'sms' || attribute === 'email') return attribute;
    const text = (await ctx.page.locator('body').textContent()) ?? '';
    if (/authenticator/i.test(text)) return 'totp';
    if (/phone|text message|SMS/i.test(text)) return 'sms';
    if (/e-?mail/i.test(text)) return 'email';
    return undefined;
  }

  private async capture(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    portalUrl: string,
  ): Promise<CapturedSession> {
    const meta = ctx.page.locator(SIGNED_IN).first();
    const fromPage = (await meta.count()) > 0 ? await meta.getAttribute('content') : null;
    const csrfToken = fromPage || (await nav.getJson('/api/csrf', servicetitanCsrfSchema)).csrfToken;
    const whoami = await nav.getJson(WHOAMI_PATH, servicetitanWhoamiSchema);
    const entitlements = servicetitanEntitlements(whoami.user.role);
    if (entitlements === undefined) {
      ctx.logger.warn(
        { vendor: this.vendor, connectionId: ctx.credentials.connectionId, role: whoami.user.role },
        'ServiceTitan role not in the entitlement table: the session gets no entitlements',
      );
    }
    if (!whoami.tenant) {
      // Every v2 API path carries the tenant id: a session that cannot name it reads nothing.
      throw nav.fail('login_page_changed', 'the portal no longer says which tenant the user works in');
    }
    const establishedAt = whoami.session?.createdAt ?? new Date().toISOString();
    return {
      vendor: this.vendor,
      portalUrl,
      cookies: await sessionCookiesOf(ctx.page.context(), portalUrl),
      headers: { 'x-csrf-token': csrfToken },
      user: {
        id: whoami.user.id,
        name: whoami.user.displayName,
        role: whoami.user.role,
        entitlements: [...(entitlements ?? [])],
      },
      account: { id: whoami.tenant.id, name: whoami.tenant.name },
      establishedAt,
      expiresAt: new Date(Date.parse(establishedAt) + this.sessionPolicy.absoluteMs).toISOString(),
      deviceCookies: [],
    };
  }
}

/** The ServiceTitan flow with the default session policy. */
export const servicetitanAuthFlow: AuthFlow = new ServiceTitanAuthFlow();
