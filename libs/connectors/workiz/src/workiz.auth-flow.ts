import {
  checkedSessionPolicy,
  type LoginNavigator,
  oneTimeCodeForm,
  passwordThenCodeLogin,
  probeSession,
  sessionCookiesOf,
  type AuthFlow,
  type AuthFlowContext,
  type CapturedSession,
  type LoginPageView,
  type SessionCheck,
  type SessionPolicy,
} from '@fieldsync/connector-kit';
import { workizEntitlements } from './workiz-roles.util';
import { workizCsrfSchema, workizIntegrationsSchema, workizWhoamiSchema } from './workiz.schemas';

const HOUR_MS = 3_600_000;

/**
 * Workiz's session lifetimes: the vendor publishes none; 2 h of inactivity and 24 h absolute are ours (the
 * sandbox portal's `sessionTimeouts` are the same). The session manager keeps the session alive with
 * `check` well inside the idle window.
 */
export const WORKIZ_SESSION_POLICY: SessionPolicy = { idleMs: 2 * HOUR_MS, absoluteMs: 24 * HOUR_MS };

const SIGNED_IN = 'meta[name="csrf-token"]';
const WHOAMI_PATH = '/api/whoami';
/** Settings → Integrations: the account and its Developer API token (read to prove the API is on). */
export const WORKIZ_INTEGRATIONS_PATH = '/ajaxc/account/integrations/';

export interface WorkizAuthFlowOptions {
  /** Default WORKIZ_SESSION_POLICY. */
  readonly sessionPolicy?: SessionPolicy;
  /** See LoginNavigatorOptions.settleMs. */
  readonly settleMs?: number;
}

/**
 * The Workiz web app login (app.workiz.com) in a browser page: email + password on `/login` (a CSRF
 * `_token` in the form), then — for a user who turned two-factor on — a 6-digit code sent by SMS or by
 * email, read through the MFA relay (`ctx.waitForMfaCode`) and entered on `/login/2fa`. Which channel the
 * page asks for is the user's setting in Workiz; it must be the connection's MFA method.
 *
 * Outcomes are read from the page as in the other flows: signed-in marker, refused password
 * (`invalid_credentials` at once, never a retry: a second try would count toward Workiz's lockout), locked
 * account, refused or expired code, unknown page (`login_page_changed`), unavailable portal.
 *
 * The captured session is the portal's cookies and CSRF header; the account (id, name) comes from
 * Settings → Integrations, which must show the Developer API enabled. The API token and secret themselves
 * are not copied into the session: the client reads them from the same page with the session when it
 * first needs them (workiz.client.ts).
 */
export class WorkizAuthFlow implements AuthFlow {
  readonly vendor = 'workiz' as const;
  readonly sessionPolicy: SessionPolicy;
  private readonly settleMs: number | undefined;

  constructor(options: WorkizAuthFlowOptions = {}) {
    this.sessionPolicy = checkedSessionPolicy(options.sessionPolicy ?? WORKIZ_SESSION_POLICY);
    this.settleMs = options.settleMs;
  }

  login(ctx: AuthFlowContext): Promise<CapturedSession> {
    return passwordThenCodeLogin(ctx, this.vendor, {
      vendorName: 'Workiz',
      signedIn: SIGNED_IN,
      codeStep: 'two-factor authentication',
      ...(this.settleMs === undefined ? {} : { settleMs: this.settleMs }),
      answerCode: (nav, since) => this.answerTwoFactor(ctx, nav, since),
      capture: (nav, portalUrl) => this.capture(ctx, nav, portalUrl),
    });
  }

  /** `GET /api/whoami`: resets the inactivity timer and says whether the session still stands. */
  check(session: CapturedSession, signal?: AbortSignal): Promise<SessionCheck> {
    return probeSession(session, {
      path: WHOAMI_PATH,
      ...(signal ? { signal } : {}),
      idleExpiresAt: (body) => workizWhoamiSchema.safeParse(body).data?.session?.idleExpiresAt,
    });
  }

  private async answerTwoFactor(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    since: Date,
  ): Promise<LoginPageView> {
    const { mfa } = ctx.credentials;
    const channel = await ctx.page
      .locator('[data-channel]')
      .first()
      .getAttribute('data-channel', { timeout: 1_000 })
      .catch(() => null);
    if (mfa.method !== 'sms' && mfa.method !== 'email') {
      throw nav.fail(
        'mfa_failed',
        `Workiz asks for a ${channel ?? 'one-time'} code but the connection's MFA method is ${mfa.method}`,
      );
    }
    if (channel !== null && channel !== mfa.method) {
      throw nav.fail(
        'mfa_failed',
        `Workiz sent the code by ${channel} but the connection's MFA method is ${mfa.method}`,
      );
    }
    ctx.mfaRequired(mfa.method);
    const code = await ctx.waitForMfaCode({ since });
    nav.protect(code);
    const form = oneTimeCodeForm(ctx.page);
    await nav.fill(form.code, code, 'verification code');
    await nav.submit(form.submit, 'two-factor authentication');
    const view = await nav.view();
    if (view.signedIn) return view;
    if (view.passwordForm && !view.alert && !view.locked) {
      throw nav.fail('mfa_timeout', 'the two-factor page expired before the code was entered');
    }
    throw nav.failureOf(view, 'two-factor authentication');
  }

  private async capture(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    portalUrl: string,
  ): Promise<CapturedSession> {
    const meta = ctx.page.locator(SIGNED_IN).first();
    const fromPage = (await meta.count()) > 0 ? await meta.getAttribute('content') : null;
    const csrfToken = fromPage || (await nav.getJson('/api/csrf', workizCsrfSchema)).csrfToken;
    const whoami = await nav.getJson(WHOAMI_PATH, workizWhoamiSchema);
    const integrations = await nav.getJson(WORKIZ_INTEGRATIONS_PATH, workizIntegrationsSchema);
    if (!integrations.developer_api.enabled) {
      throw nav.fail(
        'unknown',
        'the Workiz account has no Developer API (Settings → Integrations): fieldsync reads jobs, leads and the team through it',
      );
    }
    const entitlements = workizEntitlements(whoami.user.role);
    if (entitlements === undefined) {
      ctx.logger.warn(
        { vendor: this.vendor, connectionId: ctx.credentials.connectionId, role: whoami.user.role },
        'Workiz role not in the entitlement table: the session gets no entitlements',
      );
    }
    const cookies = await sessionCookiesOf(ctx.page.context(), portalUrl);
    const establishedAt = whoami.session?.createdAt ?? new Date().toISOString();
    return {
      vendor: this.vendor,
      portalUrl,
      cookies,
      headers: { 'x-csrf-token': csrfToken },
      user: {
        id: whoami.user.id,
        name: whoami.user.displayName,
        role: whoami.user.role,
        entitlements: [...(entitlements ?? [])],
      },
      account: { id: String(integrations.account.id), name: integrations.account.name },
      establishedAt,
      expiresAt: new Date(Date.parse(establishedAt) + this.sessionPolicy.absoluteMs).toISOString(),
      // Workiz remembers no device: a user with two-factor gets a code on every sign-in.
      deviceCookies: [],
    };
  }
}

/** The Workiz flow with the default session policy. */
export const workizAuthFlow: AuthFlow = new WorkizAuthFlow();
