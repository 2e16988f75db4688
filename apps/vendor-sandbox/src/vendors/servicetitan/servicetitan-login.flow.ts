import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml } from '../../portal/html.util';
import { csrfRejected, preSession, safeNext, sendPage } from '../../portal/login-page.util';
import type { LoginFlow, PortalKit, PortalUser } from '../../portal/portal.types';
import { recordLoginFailure, TotpVerifier } from '../../portal/login-steps.util';
import { randomToken } from '../../portal/random-token.util';
import { registerServiceTitanIdp, type SsoStart } from './servicetitan-idp.routes';

/** How long the MFA screen stays usable after the password step (vendors.md §1: 30 min). */
const MFA_CHALLENGE_MS = 30 * 60_000;
const PRE = 'st_pre';
const MFA_COOKIE = 'st_mfa';

/** Field names, ids and labels of the login page: `changed` is the "login page changed" fault. */
const LOGIN_FIELDS = {
  standard: {
    csrf: '__RequestVerificationToken',
    username: { name: 'username', id: 'username', label: 'Username' },
    password: { name: 'password', id: 'password', label: 'Password' },
    submit: { id: 'sign-in', text: 'Sign In' },
  },
  changed: {
    csrf: '_st_af',
    username: { name: 'loginName', id: 'login-name', label: 'Username or email' },
    password: { name: 'passcode', id: 'login-passcode', label: 'Your password' },
    submit: { id: 'continue', text: 'Continue' },
  },
} as const;

interface MfaChallenge {
  userId: string;
  createdAt: number;
  next: string;
  smsSent: boolean;
}

/**
 * ServiceTitan "Go" login: user name + password, then TOTP or an SMS code; 5 consecutive failures
 * lock the account; SSO users are sent to the identity provider (`/idp/…`) instead.
 */
export const servicetitanLoginFlow: LoginFlow = {
  path: '/login',
  mount(app: FastifyInstance, kit: PortalKit): void {
    const challenges = new Map<string, MfaChallenge>();
    const totp = new TotpVerifier();
    kit.onReset(() => {
      challenges.clear();
      totp.clear();
    });
    const sso: SsoStart = registerServiceTitanIdp(app, kit, PRE);

    const loginPage = (
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      options: { error?: string; notice?: string; username?: string; next?: string } = {},
    ) => {
      const pre = preSession(kit, PRE, request, reply);
      const f = LOGIN_FIELDS[kit.faults.loginVariant()];
      return sendPage(reply, status, {
        title: 'ServiceTitan — Sign In',
        heading: 'Sign in to ServiceTitan',
        body: `${alertHtml(options.error)}${options.notice ? `<p class="notice">${escapeHtml(options.notice)}</p>` : ''}
<form method="post" action="/login" id="login-form">
<input type="hidden" name="${f.csrf}" value="${kit.csrf.tokenFor(pre, 'login')}">
<input type="hidden" name="next" value="${escapeHtml(options.next ?? '')}">
<label for="${f.username.id}">${f.username.label}</label>
<input id="${f.username.id}" name="${f.username.name}" autocomplete="username" value="${escapeHtml(options.username ?? '')}" required>
<label for="${f.password.id}">${f.password.label}</label>
<input id="${f.password.id}" name="${f.password.name}" type="password" autocomplete="current-password">
<button type="submit" id="${f.submit.id}">${f.submit.text}</button>
</form>`,
      });
    };

    const lockedPage = (reply: FastifyReply) =>
      sendPage(reply, 423, {
        title: 'ServiceTitan — Account locked',
        heading: 'Account locked',
        body: `<p class="error" role="alert" id="account-locked">Your account has been locked after too many failed sign-in attempts. Contact your administrator.</p><p><a href="/login">Back to sign in</a></p>`,
      });

    const mfaPage = (
      request: FastifyRequest,
      reply: FastifyReply,
      user: PortalUser,
      status: number,
      error?: string,
    ) => {
      const pre = preSession(kit, PRE, request, reply);
      const token = kit.csrf.tokenFor(pre, 'mfa');
      const prompt =
        user.mfa === 'sms'
          ? `We sent a verification code to the phone number ending in ${escapeHtml((user.phone ?? '').slice(-4))}.`
          : 'Enter the 6-digit code from your authenticator app.';
      const resend =
        user.mfa === 'sms'
          ? `<form method="post" action="/login/mfa/resend"><input type="hidden" name="__RequestVerificationToken" value="${token}"><button type="submit" id="resend">Resend code</button></form>`
          : '';
      return sendPage(reply, status, {
        title: 'ServiceTitan — Verify it’s you',
        heading: 'Verify it’s you',
        body: `${alertHtml(error)}<p id="mfa-prompt" data-method="${user.mfa}">${prompt}</p>
<form method="post" action="/login/mfa" id="mfa-form">
<input type="hidden" name="__RequestVerificationToken" value="${token}">
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<button type="submit" id="verify">Verify</button>
</form>${resend}`,
      });
    };

    /** The challenge of this browser, or undefined (none, or the 30-minute screen timed out). */
    const currentChallenge = (request: FastifyRequest): [string, MfaChallenge] | undefined => {
      const id = kit.cookie(request, MFA_COOKIE);
      const challenge = id === undefined ? undefined : challenges.get(id);
      if (id === undefined || !challenge) return undefined;
      if (kit.clock() - challenge.createdAt >= MFA_CHALLENGE_MS) {
        challenges.delete(id);
        return undefined;
      }
      return [id, challenge];
    };

    const sendSms = (user: PortalUser): string | undefined => {
      const issued = kit.codes.issue(user.id);
      if ('cooldownUntil' in issued) {
        kit.logger.warn({ user: user.username }, 'SMS code refused: too many unverified codes');
        return `Too many codes requested. Try again after ${new Date(issued.cooldownUntil).toISOString()}.`;
      }
      kit.outbox.send({
        channel: 'sms',
        to: user.phone ?? '',
        userId: user.id,
        code: issued.code,
        body: `ServiceTitan: ${issued.code} is your verification code. It expires in 5 minutes.`,
      });
      kit.logger.info({ user: user.username }, 'SMS code sent');
      return undefined;
    };

    app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) =>
      loginPage(request, reply, 200, { next: request.query.next }),
    );

    app.post('/login', async (request, reply) => {
      const f = LOGIN_FIELDS[kit.faults.loginVariant()];
      if (!kit.csrf.verify(kit.cookie(request, PRE), 'login', formField(request, f.csrf))) {
        return csrfRejected(reply, kit);
      }
      const username = formField(request, f.username.name) ?? '';
      const password = formField(request, f.password.name) ?? '';
      const next = safeNext(formField(request, 'next'), kit.homePath);
      const user = kit.users.byUsername(username);
      kit.counters.count(user?.username ?? '(unknown)', 'attempts');

      if (user?.sso) {
        kit.logger.info({ user: user.username }, 'SSO user: redirecting to the identity provider');
        return reply.redirect(sso.start(request, user, next), 303);
      }
      if (user && kit.lockout.status(user.id).locked) {
        kit.counters.count(user.username, 'failures');
        kit.logger.warn({ user: user.username }, 'login refused: account locked');
        return lockedPage(reply);
      }
      const ok = await kit.users.verifyPassword(user, password);
      if (!user || !ok) {
        kit.logger.info({ user: user?.username ?? '(unknown)' }, 'login failed: bad credentials');
        if (!user) kit.counters.count('(unknown)', 'failures');
        else if (recordLoginFailure(kit, user)) return lockedPage(reply);
        return loginPage(request, reply, 401, { error: 'Invalid username or password.', username, next });
      }
      if (user.mfa === 'none') {
        kit.startSession(reply, user);
        return reply.redirect(next, 303);
      }
      const challengeId = randomToken();
      challenges.set(challengeId, { userId: user.id, createdAt: kit.clock(), next, smsSent: false });
      kit.setCookie(reply, MFA_COOKIE, challengeId);
      kit.counters.count(user.username, 'mfaPrompts');
      return reply.redirect('/login/mfa', 303);
    });

    app.get('/login/mfa', async (request, reply) => {
      const current = currentChallenge(request);
      const user = current ? kit.users.byId(current[1].userId) : undefined;
      if (!current || !user) {
        return loginPage(request, reply, 200, {
          notice: 'Your verification session expired. Sign in again.',
        });
      }
      let error: string | undefined;
      if (user.mfa === 'sms' && !current[1].smsSent) {
        current[1].smsSent = true;
        error = sendSms(user);
      }
      return mfaPage(request, reply, user, 200, error);
    });

    app.post('/login/mfa/resend', async (request, reply) => {
      if (
        !kit.csrf.verify(kit.cookie(request, PRE), 'mfa', formField(request, '__RequestVerificationToken'))
      ) {
        return csrfRejected(reply, kit);
      }
      const current = currentChallenge(request);
      const user = current ? kit.users.byId(current[1].userId) : undefined;
      if (!current || !user || user.mfa !== 'sms') return reply.redirect('/login', 303);
      const error = sendSms(user);
      return mfaPage(request, reply, user, error ? 429 : 200, error);
    });

    app.post('/login/mfa', async (request, reply) => {
      if (
        !kit.csrf.verify(kit.cookie(request, PRE), 'mfa', formField(request, '__RequestVerificationToken'))
      ) {
        return csrfRejected(reply, kit);
      }
      const current = currentChallenge(request);
      const user = current ? kit.users.byId(current[1].userId) : undefined;
      if (!current || !user) {
        return loginPage(request, reply, 401, {
          notice: 'Your verification session expired. Sign in again.',
        });
      }
      const [challengeId, challenge] = current;
      if (kit.lockout.status(user.id).locked) {
        challenges.delete(challengeId);
        return lockedPage(reply);
      }
      const code = (formField(request, 'code') ?? '').trim();
      let verdict: 'ok' | 'invalid' | 'expired';
      if (user.mfa === 'totp') {
        // A TOTP code is accepted once: replaying the one just used is refused.
        verdict = totp.verify(user, code, kit.clock());
      } else {
        const result = kit.codes.verify(user.id, code);
        verdict = result === 'ok' ? 'ok' : result === 'expired' ? 'expired' : 'invalid';
      }
      if (verdict !== 'ok') {
        kit.logger.info({ user: user.username, reason: verdict }, 'MFA failed');
        if (recordLoginFailure(kit, user)) {
          challenges.delete(challengeId);
          return lockedPage(reply);
        }
        const message =
          verdict === 'expired'
            ? 'That code has expired. Request a new one.'
            : 'That code is not valid. Try again.';
        return mfaPage(request, reply, user, 401, message);
      }
      challenges.delete(challengeId);
      kit.clearCookie(reply, MFA_COOKIE);
      kit.startSession(reply, user);
      return reply.redirect(challenge.next, 303);
    });
  },
};
