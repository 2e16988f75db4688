import type { Vendor } from '@fieldsync/canonical-model';
import type { AuthFlowContext, CapturedSession } from './auth-flow.types';
import { portalOriginOf } from './flow-input.util';
import { credentialForm } from './login-form.util';
import { LoginNavigator, type LoginPageView } from './login-navigator';

/** What differs between portals that sign in with an email and a password, then maybe a one-time code. */
export interface PasswordCodeLoginSpec {
  /** The vendor's name in messages ("Jobber"). */
  readonly vendorName: string;
  /** A selector present only on a signed-in page. */
  readonly signedIn: string;
  /** The login page's path. Default `/login`. */
  readonly loginPath?: string;
  /** What the vendor calls its code page, for the step a failure names ("two-step verification"). */
  readonly codeStep: string;
  /** See LoginNavigatorOptions.settleMs. */
  readonly settleMs?: number;
  /**
   * Answers the code page: gets the code (the MFA relay, `ctx.waitForMfaCode`, for codes sent after
   * `since`) and submits it; returns the page it lands on.
   */
  answerCode(nav: LoginNavigator, since: Date): Promise<LoginPageView>;
  /** Reads the signed-in page into the session (cookies, headers, user, account). */
  capture(nav: LoginNavigator, portalUrl: string): Promise<CapturedSession>;
}

/**
 * The login most portals share, in a browser page: open the login page, fill the email and the password
 * (the password kept out of every message), submit; a code page (without an alert beside it) is answered
 * by `spec.answerCode`; then the signed-in page is captured. Every other outcome is read from the page
 * (refused password at once as `invalid_credentials`, locked account, refused code, an unknown page as
 * `login_page_changed`, an unavailable portal) and thrown as an AuthFlowError naming the step.
 */
export async function passwordThenCodeLogin(
  ctx: AuthFlowContext,
  vendor: Vendor,
  spec: PasswordCodeLoginSpec,
): Promise<CapturedSession> {
  const portalUrl = portalOriginOf(ctx.credentials, vendor);
  const nav = new LoginNavigator(
    ctx.page,
    { vendorName: spec.vendorName, portalUrl, signedIn: spec.signedIn },
    ctx.timeoutMs,
    spec.settleMs === undefined ? {} : { settleMs: spec.settleMs },
  );
  nav.protect(ctx.credentials.password);
  let step = 'login page';
  try {
    await nav.open(spec.loginPath ?? '/login', step);
    step = 'password';
    const form = credentialForm(ctx.page);
    if (!(await nav.exists(form.identifier)) || !(await nav.exists(form.submit))) {
      throw nav.fail('login_page_changed', 'the login page has no email field or submit button');
    }
    await nav.fill(form.identifier, ctx.credentials.username, 'email');
    await nav.fill(form.password, ctx.credentials.password, 'password');
    // Taken before the step that makes the vendor send a code (the password form's answer).
    const since = new Date();
    await nav.submit(form.submit, 'password');
    let view = await nav.view();
    if (!view.signedIn && view.codeForm && !view.alert) {
      step = spec.codeStep;
      view = await spec.answerCode(nav, since);
    }
    if (!view.signedIn) throw nav.failureOf(view, step);
    step = 'session capture';
    return await spec.capture(nav, portalUrl);
  } catch (error) {
    throw nav.asAuthFlowError(error, step);
  } finally {
    nav.dispose();
  }
}
