import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml } from '../../portal/html.util';
import { csrfRejected, preSession, safeNext, sendPage } from '../../portal/login-page.util';
import type { LoginFlow, PortalKit, PortalUser } from '../../portal/portal.types';
import { recordLoginFailure, sendLoginCode } from '../../portal/login-steps.util';
import { randomToken } from '../../portal/random-token.util';

const PRE = 'housecallpro_pre';
const TWO_STEP_COOKIE = 'housecallpro_2fa';
/** How long the code screen waits for the code before the login starts over. */
const TWO_STEP_MS = 10 * 60_000;

/** The pro web app's sign-in form, and the one a "changed login page" fault serves instead. */
const LOGIN_FIELDS = {
  standard: {
    email: { name: 'email', id: 'email', label: 'Email' },
    password: { name: 'password', id: 'password', label: 'Password' },
    submit: { id: 'sign-in-button', text: 'Sign in' },
  },
  changed: {
    email: { name: 'user_login[email_address]', id: 'login-email', label: 'Email address' },
    password: { name: 'user_login[passphrase]', id: 'login-passphrase', label: 'Your password' },
    submit: { id: 'login-submit', text: 'Log in to Housecall Pro' },
  },
} as const;

interface TwoStep {
  userId: string;
  createdAt: number;
  next: string;
}

/**
 * Housecall Pro's pro web app sign-in: email + password (CSRF token bound to the pre-session cookie),
 * then, for a user with two-step verification on, an SMS code on EVERY sign-in — no remembered device
 * (vendors.md §3 [help]). The code goes to the sandbox outbox the MFA relay reads. Failures (password
 * or code) count towards the lockout.
 */
export const housecallproLoginFlow: LoginFlow = {
  path: '/login',
  mount(app: FastifyInstance, kit: PortalKit): void {
    const pending = new Map<string, TwoStep>();
    kit.onReset(() => pending.clear());

    const loginPage = (
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      options: { error?: string; email?: string; next?: string } = {},
    ) => {
      const pre = preSession(kit, PRE, request, reply);
      const f = LOGIN_FIELDS[kit.faults.loginVariant()];
      return sendPage(reply, status, {
        title: 'Sign in | Housecall Pro',
        heading: 'Sign in to Housecall Pro',
        head: `<meta name="csrf-param" content="authenticity_token">`,
        body: `${alertHtml(options.error)}
<form method="post" action="/login" id="sign-in-form" accept-charset="UTF-8">
<input type="hidden" name="authenticity_token" value="${kit.csrf.tokenFor(pre, 'login')}">
<input type="hidden" name="next" value="${escapeHtml(options.next ?? '')}">
<label for="${f.email.id}">${f.email.label}</label>
<input id="${f.email.id}" name="${f.email.name}" type="email" autocomplete="username" value="${escapeHtml(options.email ?? '')}" required>
<label for="${f.password.id}">${f.password.label}</label>
<input id="${f.password.id}" name="${f.password.name}" type="password" autocomplete="current-password">
<button type="submit" id="${f.submit.id}">${f.submit.text}</button>
</form>`,
      });
    };

    const codePage = (
      request: FastifyRequest,
      reply: FastifyReply,
      user: PortalUser,
      status: number,
      error?: string,
    ) => {
      const pre = preSession(kit, PRE, request, reply);
      return sendPage(reply, status, {
        title: 'Two-step verification | Housecall Pro',
        heading: 'Enter your verification code',
        body: `${alertHtml(error)}<p id="two-step-prompt">We sent a text message with a 6-digit code to your phone ending in ${escapeHtml((user.phone ?? '').slice(-4))}.</p>
<form method="post" action="/login/two_factor" id="two-factor-form">
<input type="hidden" name="authenticity_token" value="${kit.csrf.tokenFor(pre, 'two_factor')}">
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<button type="submit" id="verify-button">Verify</button>
</form>`,
      });
    };

    const lockedPage = (reply: FastifyReply) =>
      sendPage(reply, 423, {
        title: 'Sign in | Housecall Pro',
        heading: 'Account locked',
        body: alertHtml('Your account has been locked after too many failed attempts. Try again later.'),
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
        return loginPage(request, reply, 401, { error: 'Invalid email or password.', email, next });
      }
      if (user.mfa !== 'sms') {
        kit.startSession(reply, user);
        return reply.redirect(next, 303);
      }
      const id = randomToken();
      pending.set(id, { userId: user.id, createdAt: kit.clock(), next });
      kit.setCookie(reply, TWO_STEP_COOKIE, id);
      kit.counters.count(user.username, 'mfaPrompts');
      const error = sendLoginCode(kit, user, (code) => `Your Housecall Pro verification code is ${code}`);
      if (error) return loginPage(request, reply, 429, { error, email });
      return reply.redirect('/login/two_factor', 303);
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

    app.get('/login/two_factor', async (request, reply) => {
      const found = current(request);
      if (!found) return reply.redirect('/login', 303);
      return codePage(request, reply, found[2], 200);
    });

    app.post('/login/two_factor', async (request, reply) => {
      if (
        !kit.csrf.verify(kit.cookie(request, PRE), 'two_factor', formField(request, 'authenticity_token'))
      ) {
        return csrfRejected(reply, kit);
      }
      const found = current(request);
      if (!found) return reply.redirect('/login', 303);
      const [id, entry, user] = found;
      const result = kit.codes.verify(user.id, formField(request, 'code') ?? '');
      if (result !== 'ok') {
        kit.logger.info({ user: user.username, reason: result }, 'two-step verification failed');
        if (recordLoginFailure(kit, user)) {
          pending.delete(id);
          return lockedPage(reply);
        }
        return codePage(
          request,
          reply,
          user,
          401,
          result === 'expired'
            ? 'That code has expired. Sign in again for a new one.'
            : 'That code is incorrect.',
        );
      }
      pending.delete(id);
      kit.clearCookie(reply, TWO_STEP_COOKIE);
      kit.startSession(reply, user);
      return reply.redirect(entry.next, 303);
    });
  },
};
