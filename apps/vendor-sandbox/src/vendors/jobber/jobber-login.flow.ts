import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml } from '../../portal/html.util';
import { csrfRejected, preSession, safeNext, sendPage } from '../../portal/login-page.util';
import type { LoginFlow, PortalKit, PortalUser } from '../../portal/portal.types';
import { recordLoginFailure, sendLoginCode } from '../../portal/login-steps.util';
import { randomToken } from '../../portal/random-token.util';

const PRE = '_jobber_pre';
const TWO_STEP_COOKIE = '_jobber_2fa';
/** The "recognised device" cookie: set after a successful SMS step, kept a year. */
const DEVICE_COOKIE = '_jobber_device';
const DEVICE_MAX_AGE_S = 365 * 24 * 3600;
const TWO_STEP_MS = 30 * 60_000;

const LOGIN_FIELDS = {
  standard: {
    email: { name: 'user[email]', id: 'user_email', label: 'Email' },
    password: { name: 'user[password]', id: 'user_password', label: 'Password' },
    submit: { id: 'sign-in', text: 'Log In' },
  },
  changed: {
    email: { name: 'session[login]', id: 'session_login', label: 'Email address' },
    password: { name: 'session[secret_word]', id: 'session_secret_word', label: 'Your password' },
    submit: { id: 'log-in-button', text: 'Sign in to Jobber' },
  },
} as const;

interface TwoStep {
  userId: string;
  createdAt: number;
  next: string;
}

/**
 * Jobber login: email + password (`authenticity_token`), then an SMS code only when the browser
 * has no recognised-device cookie for that user; after the code the device is remembered.
 */
export const jobberLoginFlow: LoginFlow = {
  path: '/login',
  mount(app: FastifyInstance, kit: PortalKit): void {
    const pending = new Map<string, TwoStep>();
    const devices = new Map<string, string>();
    kit.onReset(() => {
      pending.clear();
      devices.clear();
    });

    const loginPage = (
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      options: { error?: string; email?: string; next?: string } = {},
    ) => {
      const pre = preSession(kit, PRE, request, reply);
      const f = LOGIN_FIELDS[kit.faults.loginVariant()];
      return sendPage(reply, status, {
        title: 'Log In | Jobber',
        heading: 'Log in to Jobber',
        head: `<meta name="csrf-param" content="authenticity_token">`,
        body: `${alertHtml(options.error)}
<form method="post" action="/login" id="new_user" accept-charset="UTF-8">
<input type="hidden" name="authenticity_token" value="${kit.csrf.tokenFor(pre, 'login')}">
<input type="hidden" name="next" value="${escapeHtml(options.next ?? '')}">
<label for="${f.email.id}">${f.email.label}</label>
<input id="${f.email.id}" name="${f.email.name}" type="email" autocomplete="email" value="${escapeHtml(options.email ?? '')}" required>
<label for="${f.password.id}">${f.password.label}</label>
<input id="${f.password.id}" name="${f.password.name}" type="password" autocomplete="current-password">
<button type="submit" id="${f.submit.id}">${f.submit.text}</button>
</form>`,
      });
    };

    const verifyPage = (
      request: FastifyRequest,
      reply: FastifyReply,
      user: PortalUser,
      status: number,
      error?: string,
    ) => {
      const pre = preSession(kit, PRE, request, reply);
      return sendPage(reply, status, {
        title: 'Two-Step Verification | Jobber',
        heading: 'Two-step verification',
        body: `${alertHtml(error)}<p id="two-step-prompt">We texted a 6-digit code to the phone number ending in ${escapeHtml((user.phone ?? '').slice(-4))}.</p>
<form method="post" action="/login/verify" id="two-step-form">
<input type="hidden" name="authenticity_token" value="${kit.csrf.tokenFor(pre, 'verify')}">
<label for="verification_code">Verification code</label>
<input id="verification_code" name="verification_code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<button type="submit" id="verify">Verify</button>
</form>`,
      });
    };

    const lockedPage = (reply: FastifyReply) =>
      sendPage(reply, 423, {
        title: 'Log In | Jobber',
        heading: 'Account locked',
        body: alertHtml('Your account is locked after too many failed attempts. Try again later.'),
      });

    app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) =>
      loginPage(request, reply, 200, { next: request.query.next }),
    );

    app.post('/login', async (request, reply) => {
      if (!kit.csrf.verify(kit.cookie(request, PRE), 'login', formField(request, 'authenticity_token'))) {
        return csrfRejected(reply, kit);
      }
      const f = LOGIN_FIELDS[kit.faults.loginVariant()];
      const email = formField(request, f.email.name) ?? '';
      const next = safeNext(formField(request, 'next'), kit.homePath);
      const user = kit.users.byUsername(email);
      kit.counters.count(user?.username ?? '(unknown)', 'attempts');
      if (user && kit.lockout.status(user.id).locked) {
        kit.counters.count(user.username, 'failures');
        return lockedPage(reply);
      }
      const ok = await kit.users.verifyPassword(user, formField(request, f.password.name) ?? '');
      if (!user || !ok) {
        kit.logger.info({ user: user?.username ?? '(unknown)' }, 'login failed: bad credentials');
        if (!user) kit.counters.count('(unknown)', 'failures');
        else if (recordLoginFailure(kit, user)) return lockedPage(reply);
        return loginPage(request, reply, 401, { error: 'Incorrect email or password.', email, next });
      }
      const device = kit.cookie(request, DEVICE_COOKIE);
      const recognised = device !== undefined && devices.get(device) === user.id;
      if (user.mfa !== 'sms' || recognised) {
        kit.startSession(reply, user);
        return reply.redirect(next, 303);
      }
      const id = randomToken();
      pending.set(id, { userId: user.id, createdAt: kit.clock(), next });
      kit.setCookie(reply, TWO_STEP_COOKIE, id);
      kit.counters.count(user.username, 'mfaPrompts');
      const error = sendLoginCode(kit, user, (code) => `Your Jobber verification code is ${code}`);
      if (error) return loginPage(request, reply, 429, { error, email });
      return reply.redirect('/login/verify', 303);
    });

    const current = (request: FastifyRequest): [string, TwoStep, PortalUser] | undefined => {
      const id = kit.cookie(request, TWO_STEP_COOKIE);
      const entry = id === undefined ? undefined : pending.get(id);
      const user = entry ? kit.users.byId(entry.userId) : undefined;
      if (id === undefined || !entry || !user) return undefined;
      if (kit.clock() - entry.createdAt >= TWO_STEP_MS) {
        pending.delete(id);
        return undefined;
      }
      return [id, entry, user];
    };

    app.get('/login/verify', async (request, reply) => {
      const found = current(request);
      if (!found) return reply.redirect('/login', 303);
      return verifyPage(request, reply, found[2], 200);
    });

    app.post('/login/verify', async (request, reply) => {
      if (!kit.csrf.verify(kit.cookie(request, PRE), 'verify', formField(request, 'authenticity_token'))) {
        return csrfRejected(reply, kit);
      }
      const found = current(request);
      if (!found) return reply.redirect('/login', 303);
      const [id, entry, user] = found;
      const result = kit.codes.verify(user.id, formField(request, 'verification_code') ?? '');
      if (result !== 'ok') {
        kit.logger.info({ user: user.username, reason: result }, 'two-step verification failed');
        if (recordLoginFailure(kit, user)) {
          pending.delete(id);
          return lockedPage(reply);
        }
        return verifyPage(
          request,
          reply,
          user,
          401,
          result === 'expired'
            ? 'That code has expired. Log in again for a new one.'
            : 'That code is incorrect.',
        );
      }
      pending.delete(id);
      kit.clearCookie(reply, TWO_STEP_COOKIE);
      const deviceId = randomToken();
      devices.set(deviceId, user.id);
      kit.setCookie(reply, DEVICE_COOKIE, deviceId, DEVICE_MAX_AGE_S);
      kit.startSession(reply, user);
      return reply.redirect(entry.next, 303);
    });
  },
};
