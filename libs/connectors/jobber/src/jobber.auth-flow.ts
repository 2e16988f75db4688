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
import { JOBBER_DEVICE_COOKIE, JOBBER_GRAPHQL_VERSION } from './jobber.constants';
import { jobberEntitlements } from './jobber-roles.util';
import { jobberCsrfSchema, jobberWhoamiSchema } from './jobber.schemas';

const HOUR_MS = 3_600_000;

/** Jobber logs out after 12 h of inactivity (published); the 14-day absolute lifetime is ours. */
export const JOBBER_SESSION_POLICY: SessionPolicy = { idleMs: 12 * HOUR_MS, absoluteMs: 14 * 24 * HOUR_MS };

const SIGNED_IN = 'meta[name="csrf-token"]';
const WHOAMI_PATH = '/api/whoami';

export interface JobberAuthFlowOptions {
  /** Default JOBBER_SESSION_POLICY. */
  readonly sessionPolicy?: SessionPolicy;
  /** See LoginNavigatorOptions.settleMs. */
  readonly settleMs?: number;
}

/**
 * Jobber login in a browser page: email + password on `/login`, then the two-step SMS page only
 * when Jobber does not recognise the device. The recognised-device cookie (`_jobber_device`) is
 * captured as `deviceCookies`; the session manager restores it into the next login's fresh context,
 * so only the first login of a connection needs a code. Data calls go to `POST /api/graphql` with
 * the CSRF token and the API version header, both in `headers`.
 *
 * Outcomes are read from the page as in the ServiceTitan flow: signed-in marker, refused password
 * (`invalid_credentials` at once, never a retry), locked account, refused code, unknown page,
 * unavailable portal.
 */
export class JobberAuthFlow implements AuthFlow {
  readonly vendor = 'jobber' as const;
  readonly sessionPolicy: SessionPolicy;
  private readonly settleMs: number | undefined;

  constructor(options: JobberAuthFlowOptions = {}) {
    this.sessionPolicy = checkedSessionPolicy(options.sessionPolicy ?? JOBBER_SESSION_POLICY);
    this.settleMs = options.settleMs;
  }

  login(ctx: AuthFlowContext): Promise<CapturedSession> {
    return passwordThenCodeLogin(ctx, this.vendor, {
      vendorName: 'Jobber',
      signedIn: SIGNED_IN,
      codeStep: 'two-step verification',
      ...(this.settleMs === undefined ? {} : { settleMs: this.settleMs }),
      answerCode: (nav, since) => this.answerTwoStep(ctx, nav, since),
      capture: (nav, portalUrl) => this.capture(ctx, nav, portalUrl),
    });
  }

  /** `GET /api/whoami`: resets Jobber's inactivity timer and says whether the session still stands. */
  check(session: CapturedSession, signal?: AbortSignal): Promise<SessionCheck> {
    return probeSession(session, {
      path: WHOAMI_PATH,
      ...(signal ? { signal } : {}),
      idleExpiresAt: (body) => jobberWhoamiSchema.safeParse(body).data?.session?.idleExpiresAt,
    });
  }

  private async answerTwoStep(
    ctx: AuthFlowContext,
    nav: LoginNavigator,
    since: Date,
  ): Promise<LoginPageView> {
    const { mfa } = ctx.credentials;
    if (mfa.method !== 'sms' && mfa.method !== 'email') {
      throw nav.fail(
        'mfa_failed',
        `Jobber asks for a texted code on an unrecognised device but the connection's MFA method is ${mfa.method}`,
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
    const csrfToken = fromPage || (await nav.getJson('/api/csrf', jobberCsrfSchema)).csrfToken;
    const whoami = await nav.getJson(WHOAMI_PATH, jobberWhoamiSchema);
    const entitlements = jobberEntitlements(whoami.user.role);
    if (entitlements === undefined) {
      ctx.logger.warn(
        { vendor: this.vendor, connectionId: ctx.credentials.connectionId, role: whoami.user.role },
        'Jobber role not in the entitlement table: the session gets no entitlements',
      );
    }
    const cookies = await sessionCookiesOf(ctx.page.context(), portalUrl);
    const establishedAt = whoami.session?.createdAt ?? new Date().toISOString();
    return {
      vendor: this.vendor,
      portalUrl,
      cookies,
      headers: { 'x-csrf-token': csrfToken, 'x-jobber-graphql-version': JOBBER_GRAPHQL_VERSION },
      user: {
        id: whoami.user.id,
        name: whoami.user.displayName,
        role: whoami.user.role,
        entitlements: [...(entitlements ?? [])],
      },
      establishedAt,
      expiresAt: new Date(Date.parse(establishedAt) + this.sessionPolicy.absoluteMs).toISOString(),
      deviceCookies: cookies.filter((cookie) => cookie.name === JOBBER_DEVICE_COOKIE),
    };
  }
}

/** The Jobber flow with the default session policy. */
export const jobberAuthFlow: AuthFlow = new JobberAuthFlow();
