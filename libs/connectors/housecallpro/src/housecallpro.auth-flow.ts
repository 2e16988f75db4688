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
import { housecallproEntitlements } from './housecallpro-roles.util';
import { housecallproCsrfSchema, housecallproWhoamiSchema } from './housecallpro.schemas';

const HOUR_MS = 3_600_000;

/**
 * Housecall Pro's session lifetimes: the vendor publishes none; 1 h of inactivity and 12 h absolute are
 * ours (the sandbox portal's `sessionTimeouts` are the same). The session manager keeps the session
 * alive with `check` well inside the idle hour, so one login (one SMS) lasts the absolute lifetime.
 */
export const HOUSECALLPRO_SESSION_POLICY: SessionPolicy = { idleMs: 1 * HOUR_MS, absoluteMs: 12 * HOUR_MS };

const SIGNED_IN = 'meta[name="csrf-token"]';
const WHOAMI_PATH = '/api/whoami';

export interface HousecallProAuthFlowOptions {
  /** Default HOUSECALLPRO_SESSION_POLICY. */
  readonly sessionPolicy?: SessionPolicy;
  /** See LoginNavigatorOptions.settleMs. */
  readonly settleMs?: number;
}

/**
 * The Housecall Pro pro web app login in a browser page: email + password on `/login`, then — for an
 * account with two-step verification — an SMS code on EVERY sign-in (there is no remembered device), read
 * through the MFA relay (`ctx.waitForMfaCode`). Data calls then go to the v1 API paths with the session
 * cookie and the CSRF token.
 *
 * Outcomes are read from the page as in the other flows: signed-in marker, refused password
 * (`invalid_credentials` at once, never a retry), locked account, refused or expired code, unknown page
 * (`login_page_changed`), unavailable portal.
 */
export class HousecallProAuthFlow implements AuthFlow {
  readonly vendor = 'housecallpro' as const;
  readonly sessionPolicy: SessionPolicy;
  private readonly settleMs: number | undefined;

  constructor(options: HousecallProAuthFlowOptions = {}) {
    this.sessionPolicy = checkedSessionPolicy(options.sessionPolicy ?? HOUSECALLPRO_SESSION_POLICY);
    this.settleMs = options.settleMs;
  }

  login(ctx: AuthFlowContext): Promise<CapturedSession> {
    return passwordThenCodeLogin(ctx, this.vendor, {
      vendorName: 'Housecall Pro',
      signedIn: SIGNED_IN,
      codeStep: 'two-step verification',
      ...(this.settleMs === undefined ? {} : { settleMs: this.settleMs }),
      answerCode: (nav, since) => this.answerTwoStep(ctx, nav, since),
      capture: (nav, portalUrl) => this.capture(ctx, nav, portalUrl),
    });
  }

  /** `GET /api/whoami`: resets the inactivity timer and says whether the session still stands. */
  check(session: CapturedSession, signal?: AbortSignal): Promise<SessionCheck> {
    return probeSession(session, {
      path: WHOAMI_PATH,
      ...(signal ? { signal } : {}),
      idleExpiresAt: (body) => housecallproWhoamiSchema.safeParse(body).data?.session?.idleExpiresAt,
    });
  }

  private async answerTwoStep(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    since: Date,
  ): Promise<LoginPageView> {
    const { mfa } = ctx.credentials;
    if (mfa.method !== 'sms') {
      throw nav.fail(
        'mfa_failed',
        `Housecall Pro asks for a texted code on every sign-in but the connection's MFA method is ${mfa.method}`,
      );
    }
    ctx.mfaRequired(mfa.method);
    const code = await ctx.waitForMfaCode({ since });
    nav.protect(code);
    const form = oneTimeCodeForm(ctx.page);
    await nav.fill(form.code, code, 'verification code');
    await nav.submit(form.submit, 'two-step verification');
    const view = await nav.view();
    if (view.signedIn) return view;
    if (view.passwordForm && !view.alert && !view.locked) {
      throw nav.fail('mfa_timeout', 'the two-step verification expired before the code was entered');
    }
    throw nav.failureOf(view, 'two-step verification');
  }

  private async capture(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    portalUrl: string,
  ): Promise<CapturedSession> {
    const meta = ctx.page.locator(SIGNED_IN).first();
    const fromPage = (await meta.count()) > 0 ? await meta.getAttribute('content') : null;
    const csrfToken = fromPage || (await nav.getJson('/api/csrf', housecallproCsrfSchema)).csrfToken;
    const whoami = await nav.getJson(WHOAMI_PATH, housecallproWhoamiSchema);
    const entitlements = housecallproEntitlements(whoami.user.role);
    if (entitlements === undefined) {
      ctx.logger.warn(
        { vendor: this.vendor, connectionId: ctx.credentials.connectionId, role: whoami.user.role },
        'Housecall Pro role not in the entitlement table: the session gets no entitlements',
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
      establishedAt,
      expiresAt: new Date(Date.parse(establishedAt) + this.sessionPolicy.absoluteMs).toISOString(),
      // No device is remembered: every sign-in texts a code.
      deviceCookies: [],
    };
  }
}

/** The Housecall Pro flow with the default session policy. */
export const housecallproAuthFlow: AuthFlow = new HousecallProAuthFlow();
