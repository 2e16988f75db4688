import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml } from '../../portal/html.util';
import { csrfRejected, preSession, safeNext, sendPage } from '../../portal/login-page.util';
import { recordLoginFailure, sendLoginCode, TotpVerifier } from '../../portal/login-steps.util';
import type { LoginFlow, PortalKit, PortalUser } from '../../portal/portal.types';
import { randomToken } from '../../portal/random-token.util';
import { safeEqual } from '../../portal/safe-equal.util';
import { TomLicence } from './tom-licence';

const PRE = 'tom_pre';
const SESSION = 'tom_session';
const VERIFY_COOKIE = 'tom_verify';
/** "Keep Me Logged In": a persistent cookie that signs the browser in again after an inactivity logout. */
export const TOM_REMEMBER_COOKIE = 'tom_remember';
const REMEMBER_DAYS = 30;
const VERIFY_MS = 10 * 60_000;
export const TOM_LOGIN_PATH = '/Account/Login';

/** The form's fields; the `changed` variant is the "changed login page" fault (TOM Next Gen's page). */
const LOGIN_FIELDS = {
  standard: {
    user: { name: 'UserName', id: 'UserName', label: 'User Name' },
    password: { name: 'Password', id: 'Password', label: 'Password' },
    remember: { name: 'RememberMe', id: 'RememberMe', label: 'Keep Me Logged In' },
    submit: { id: 'btnLogin', text: 'Log In' },
  },
  changed: {
    user: { name: 'txtUser', id: 'ctl00_Main_txtUser', label: 'TOM User' },
    password: { name: 'txtPass', id: 'ctl00_Main_txtPass', label: 'TOM Password' },
    remember: { name: 'chkStay', id: 'ctl00_Main_chkStay', label: 'Stay signed in' },
    submit: { id: 'ctl00_Main_btnSignIn', text: 'Sign In' },
  },
} as const;

interface PendingVerification {
  userId: string;
  createdAt: number;
  next: string;
  remember: boolean;
}

/**
 * The Aptora Mobile II sign-in (ASP.NET style): user name + password with a hidden
 * `__RequestVerificationToken`, "Keep Me Logged In", then for a user with a second factor a code from
 * the authenticator app or an emailed code on `/Account/Verify`. The company file's concurrent-connection
 * licence is checked before a session starts: past it the licence error page (403, `#license-error`).
 * "Keep Me Logged In" sets a 30-day cookie that signs the browser in again after the inactivity logout
 * (the licence still applies). `POST /Account/LogOff` ends the session and forgets the browser.
 */
export function createTomLoginFlow(): LoginFlow {
  return {
    path: TOM_LOGIN_PATH,
    mount(app: FastifyInstance, kit: PortalKit): void {
      const licence = new TomLicence(kit);
      licence.mountControl(app);
      const pending = new Map<string, PendingVerification>();
      const remembered = new Map<string, { userId: string; expiresAt: number }>();
      const totp = new TotpVerifier();
      kit.onReset(() => {
        pending.clear();
        remembered.clear();
        totp.clear();
      });

      const loginPage = (
        request: FastifyRequest,
        reply: FastifyReply,
        status: number,
        options: { error?: string; user?: string; next?: string } = {},
      ) => {
        const pre = preSession(kit, PRE, request, reply);
        const f = LOGIN_FIELDS[kit.faults.loginVariant()];
        return sendPage(reply, status, {
          title: 'Aptora Mobile II - Log In',
          heading: 'Total Office Manager — Mobile II',
          body: `${alertHtml(options.error)}
<form method="post" action="${TOM_LOGIN_PATH}" id="loginForm">
<input type="hidden" name="__RequestVerificationToken" value="${kit.csrf.tokenFor(pre, 'login')}">
<input type="hidden" name="ReturnUrl" value="${escapeHtml(options.next ?? '')}">
<label for="${f.user.id}">${f.user.label}</label>
<input id="${f.user.id}" name="${f.user.name}" type="text" autocomplete="username" value="${escapeHtml(options.user ?? '')}" required>
<label for="${f.password.id}">${f.password.label}</label>
<input id="${f.password.id}" name="${f.password.name}" type="password" autocomplete="current-password">
<label><input id="${f.remember.id}" name="${f.remember.name}" type="checkbox" value="true"> ${f.remember.label}</label>
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
        const prompt =
          user.mfa === 'totp'
            ? 'Enter the 6-digit code from your authenticator app.'
            : 'We emailed a 6-digit code to the address on your TOM user.';
        return sendPage(reply, status, {
          title: 'Aptora Mobile II - Verify',
          heading: 'Verify your sign-in',
          body: `${alertHtml(error)}<p id="verify-prompt" data-method="${user.mfa}">${prompt}</p>
<form method="post" action="/Account/Verify" id="verifyForm">
<input type="hidden" name="__RequestVerificationToken" value="${kit.csrf.tokenFor(pre, 'verify')}">
<label for="Code">Code</label>
<input id="Code" name="Code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<button type="submit" id="btnVerify">Verify</button>
</form>`,
        });
      };

      const lockedPage = (reply: FastifyReply) =>
        sendPage(reply, 423, {
          title: 'Aptora Mobile II - Log In',
          heading: 'Account locked',
          body: alertHtml('This TOM user is locked after too many failed sign-ins. Ask your administrator.'),
        });

      const licencePage = (reply: FastifyReply) => {
        kit.logger.warn({ inUse: licence.inUse() }, 'login refused: concurrent-connection licence limit');
        return sendPage(reply, 403, {
          title: 'Aptora Mobile II - License Limit',
          heading: 'License limit reached',
          body: `<p class="error" role="alert" id="license-error">All concurrent connections licensed for this company file are in use. Log off another device or try again later.</p>`,
        });
      };

      /** Starts the session when the licence allows it (and remembers the browser if asked). */
      const signIn = (reply: FastifyReply, user: PortalUser, next: string, remember: boolean) => {
        if (licence.full()) return licencePage(reply);
        kit.startSession(reply, user);
        if (remember) {
          const token = randomToken();
          remembered.set(token, { userId: user.id, expiresAt: kit.clock() + REMEMBER_DAYS * 86_400_000 });
          kit.setCookie(reply, TOM_REMEMBER_COOKIE, token, REMEMBER_DAYS * 86_400);
        }
        return reply.redirect(next, 303);
      };

      app.get<{ Querystring: { ReturnUrl?: string; next?: string } }>(
        TOM_LOGIN_PATH,
        async (request, reply) => {
          const next = request.query.ReturnUrl ?? request.query.next;
          const token = kit.cookie(request, TOM_REMEMBER_COOKIE);
          const entry = token === undefined ? undefined : remembered.get(token);
          const user = entry ? kit.users.byId(entry.userId) : undefined;
          if (token !== undefined && entry && user && entry.expiresAt > kit.clock()) {
            if (licence.full()) return licencePage(reply);
            kit.startSession(reply, user);
            return reply.redirect(safeNext(next, kit.homePath), 303);
          }
          if (token !== undefined && entry) remembered.delete(token);
          return loginPage(request, reply, 200, { next });
        },
      );

      app.post(TOM_LOGIN_PATH, async (request, reply) => {
        if (
          !kit.csrf.verify(
            kit.cookie(request, PRE),
            'login',
            formField(request, '__RequestVerificationToken'),
          )
        ) {
          return csrfRejected(reply, kit);
        }
        const f = LOGIN_FIELDS[kit.faults.loginVariant()];
        const name = formField(request, f.user.name) ?? '';
        const next = safeNext(formField(request, 'ReturnUrl'), kit.homePath);
        const remember = formField(request, f.remember.name) === 'true';
        const user = kit.users.byUsername(name);
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
          return loginPage(request, reply, 401, {
            error: 'The user name or password is incorrect.',
            user: name,
            next,
          });
        }
        if (user.mfa !== 'totp' && user.mfa !== 'email') return signIn(reply, user, next, remember);
        const id = randomToken();
        pending.set(id, { userId: user.id, createdAt: kit.clock(), next, remember });
        kit.setCookie(reply, VERIFY_COOKIE, id);
        kit.counters.count(user.username, 'mfaPrompts');
        if (user.mfa === 'email') {
          const error = sendLoginCode(
            kit,
            user,
            (code) => `Your Total Office Manager sign-in code is ${code}`,
          );
          if (error) return loginPage(request, reply, 429, { error, user: name });
        }
        return reply.redirect('/Account/Verify', 303);
      });

      const current = (request: FastifyRequest): [string, PendingVerification, PortalUser] | undefined => {
        const id = kit.cookie(request, VERIFY_COOKIE);
        const entry = id === undefined ? undefined : pending.get(id);
        const user = entry ? kit.users.byId(entry.userId) : undefined;
        if (id === undefined || !entry || !user) return undefined;
        if (kit.clock() - entry.createdAt >= VERIFY_MS) {
          pending.delete(id);
          return undefined;
        }
        return [id, entry, user];
      };

      app.get('/Account/Verify', async (request, reply) => {
        const found = current(request);
        if (!found) return reply.redirect(TOM_LOGIN_PATH, 303);
        return verifyPage(request, reply, found[2], 200);
      });

      app.post('/Account/Verify', async (request, reply) => {
        if (
          !kit.csrf.verify(
            kit.cookie(request, PRE),
            'verify',
            formField(request, '__RequestVerificationToken'),
          )
        ) {
          return csrfRejected(reply, kit);
        }
        const found = current(request);
        if (!found) return reply.redirect(TOM_LOGIN_PATH, 303);
        const [id, entry, user] = found;
        if (kit.lockout.status(user.id).locked) {
          pending.delete(id);
          return lockedPage(reply);
        }
        const code = (formField(request, 'Code') ?? '').trim();
        const verdict =
          user.mfa === 'totp' ? totp.verify(user, code, kit.clock()) : kit.codes.verify(user.id, code);
        if (verdict !== 'ok') {
          kit.logger.info({ user: user.username, reason: verdict }, 'sign-in verification failed');
          if (recordLoginFailure(kit, user)) {
            pending.delete(id);
            return lockedPage(reply);
          }
          return verifyPage(
            request,
            reply,
            user,
            401,
            verdict === 'expired' ? 'This code has expired. Log in again.' : 'The code is not valid.',
          );
        }
        pending.delete(id);
        kit.clearCookie(reply, VERIFY_COOKIE);
        return signIn(reply, user, entry.next, entry.remember);
      });

      app.post('/Account/LogOff', async (request, reply) => {
        const found = kit.sessions.touch(kit.cookie(request, SESSION));
        if ('session' in found) {
          const token = formField(request, '__RequestVerificationToken') ?? formField(request, '_csrf');
          if (token === undefined || !safeEqual(token, found.session.csrfToken))
            return csrfRejected(reply, kit);
          kit.sessions.destroy(found.session.id);
        }
        const remember = kit.cookie(request, TOM_REMEMBER_COOKIE);
        if (remember !== undefined) remembered.delete(remember);
        kit.clearCookie(reply, SESSION);
        kit.clearCookie(reply, TOM_REMEMBER_COOKIE);
        return reply.redirect(TOM_LOGIN_PATH, 303);
      });
    },
  };
}
