import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml } from '../../portal/html.util';
import { csrfRejected, preSession, safeNext, sendPage } from '../../portal/login-page.util';
import type { LoginFlow, PortalKit, PortalUser } from '../../portal/portal.types';
import { recordLoginFailure, sendLoginCode } from '../../portal/login-steps.util';
import { randomToken } from '../../portal/random-token.util';

const PRE = 'workiz_pre';
const TWO_FACTOR_COOKIE = 'workiz_2fa';
/** How long the code page stays open after the password step. */
const TWO_FACTOR_MS = 10 * 60_000;

/** The form's fields; the `changed` variant is the "changed login page" fault. */
const LOGIN_FIELDS = {
  standard: {
    email: { name: 'email', id: 'login-email', label: 'Email' },
    password: { name: 'password', id: 'login-password', label: 'Password' },
    submit: { id: 'login-submit', text: 'Log in' },
  },
  changed: {
    email: { name: 'user_email', id: 'signin-user-email', label: 'Work email' },
    password: { name: 'user_password', id: 'signin-user-password', label: 'Your password' },
    submit: { id: 'signin-button', text: 'Sign in to Workiz' },
  },
} as const;

interface TwoFactor {
  userId: string;
  createdAt: number;
  next: string;
}

/**
 * Workiz login (app.workiz.com): email + password with a CSRF `_token`, then, for a user who turned
 * 2FA on, a 6-digit code sent by SMS or by email (the sandbox outbox), entered on `/login/2fa`.
 * Failures count toward the portal's lockout; the code expires with the page after 10 minutes.
 */
export const workizLoginFlow: LoginFlow = {
  path: '/login',
  mount(app: FastifyInstance, kit: PortalKit): void {
    const pending = new Map<string, TwoFactor>();
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
        title: 'Login | Workiz',
        heading: 'Log in to Workiz',
        body: `${alertHtml(options.error)}
<form method="post" action="/login" id="login-form">
<input type="hidden" name="_token" value="${kit.csrf.tokenFor(pre, 'login')}">
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
      const where =
        user.mfa === 'email'
          ? `your email ${escapeHtml(maskEmail(user.email ?? ''))}`
          : `the phone number ending in ${escapeHtml((user.phone ?? '').slice(-4))}`;
      return sendPage(reply, status, {
        title: 'Two-factor authentication | Workiz',
        heading: 'Two-factor authentication',
        body: `${alertHtml(error)}<p id="two-factor-prompt" data-channel="${user.mfa}">We sent a 6-digit code to ${where}.</p>
<form method="post" action="/login/2fa" id="two-factor-form">
<input type="hidden" name="_token" value="${kit.csrf.tokenFor(pre, '2fa')}">
<label for="two-factor-code">Verification code</label>
<input id="two-factor-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<button type="submit" id="two-factor-submit">Verify</button>
</form>`,
      });
    };

    const lockedPage = (reply: FastifyReply) =>
      sendPage(reply, 423, {
        title: 'Login | Workiz',
        heading: 'Account locked',
        body: alertHtml(
          'Your account has been locked after too many failed login attempts. Try again later or contact your account admin.',
        ),
      });

    app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) =>
      loginPage(request, reply, 200, { next: request.query.next }),
    );

    app.post('/login', async (request, reply) => {
      if (!kit.csrf.verify(kit.cookie(request, PRE), 'login', formField(request, '_token'))) {
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
        return loginPage(request, reply, 401, { error: 'Wrong email or password.', email, next });
      }
      if (user.mfa !== 'sms' && user.mfa !== 'email') {
        kit.startSession(reply, user);
        return reply.redirect(next, 303);
      }
      const id = randomToken();
      pending.set(id, { userId: user.id, createdAt: kit.clock(), next });
      kit.setCookie(reply, TWO_FACTOR_COOKIE, id);
      kit.counters.count(user.username, 'mfaPrompts');
      const error = sendLoginCode(kit, user, (code) => `Your Workiz verification code is ${code}`);
      if (error) return loginPage(request, reply, 429, { error, email });
      return reply.redirect('/login/2fa', 303);
    });

    const current = (request: FastifyRequest): [string, TwoFactor, PortalUser] | undefined => {
      const id = kit.cookie(request, TWO_FACTOR_COOKIE);
      const entry = id === undefined ? undefined : pending.get(id);
      const user = entry ? kit.users.byId(entry.userId) : undefined;
      if (id === undefined || !entry || !user) return undefined;
      if (kit.clock() - entry.createdAt >= TWO_FACTOR_MS) {
        pending.delete(id);
        return undefined;
      }
      return [id, entry, user];
    };

    app.get('/login/2fa', async (request, reply) => {
      const found = current(request);
      if (!found) return reply.redirect('/login', 303);
      return codePage(request, reply, found[2], 200);
    });

    app.post('/login/2fa', async (request, reply) => {
      if (!kit.csrf.verify(kit.cookie(request, PRE), '2fa', formField(request, '_token'))) {
        return csrfRejected(reply, kit);
      }
      const found = current(request);
      if (!found) return reply.redirect('/login', 303);
      const [id, entry, user] = found;
      if (kit.lockout.status(user.id).locked) {
        pending.delete(id);
        return lockedPage(reply);
      }
      const result = kit.codes.verify(user.id, formField(request, 'code') ?? '');
      if (result !== 'ok') {
        kit.logger.info({ user: user.username, reason: result }, 'two-factor verification failed');
        if (recordLoginFailure(kit, user)) {
          pending.delete(id);
          return lockedPage(reply);
        }
        return codePage(
          request,
          reply,
          user,
          401,
          result === 'expired' ? 'This code has expired. Log in again to get a new one.' : 'Invalid code.',
        );
      }
      pending.delete(id);
      kit.clearCookie(reply, TWO_FACTOR_COOKIE);
      kit.startSession(reply, user);
      return reply.redirect(entry.next, 303);
    });
  },
};

function maskEmail(email: string): string {
  const [name = '', domain = ''] = email.split('@');
  return `${name.slice(0, 1)}***@${domain}`;
}
