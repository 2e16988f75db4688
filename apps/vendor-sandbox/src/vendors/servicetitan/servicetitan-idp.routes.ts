import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml } from '../../portal/html.util';
import { csrfRejected, preSession, sendPage } from '../../portal/login-page.util';
import type { PortalKit, PortalUser } from '../../portal/portal.types';
import { randomToken } from '../../portal/random-token.util';
import { safeEqual } from '../../portal/safe-equal.util';

export interface SsoStart {
  /** Remembers the SSO attempt of this browser and returns the IdP URL to redirect to. */
  start(request: FastifyRequest, user: PortalUser, next: string): string;
}

const IDP_PRE = 'idp_pre';
const IDP_SESSION = 'idp_session';
const CALLBACK = '/sso/callback';
const AUDIENCE = 'servicetitan-sandbox';
const ASSERTION_TTL_MS = 2 * 60_000;
const STATE_TTL_MS = 10 * 60_000;
const IDP_SESSION_MS = 8 * 3_600_000;

interface Assertion {
  iss: string;
  aud: string;
  sub: string;
  state: string;
  iat: number;
  exp: number;
  jti: string;
}

/**
 * A simulated SAML-like identity provider ("Contoso Identity") under `/idp/`, with its own login
 * form, CSRF token and session cookie, and the portal's callback `/sso/callback`. The IdP posts a
 * signed assertion (base64url JSON + HMAC-SHA256 under a key only the IdP and the portal share);
 * the callback checks signature, audience, expiry, single use and that the `state` was issued to
 * this same browser (bound to its pre-session cookie).
 */
export function registerServiceTitanIdp(app: FastifyInstance, kit: PortalKit, portalPre: string): SsoStart {
  const idpKey = randomBytes(32);
  const states = new Map<string, { preSessionId: string; createdAt: number; next: string }>();
  const idpSessions = new Map<string, { userId: string; createdAt: number }>();
  const usedAssertions = new Set<string>();
  kit.onReset(() => {
    states.clear();
    idpSessions.clear();
    usedAssertions.clear();
  });

  const sign = (payload: string) => createHmac('sha256', idpKey).update(payload).digest('base64url');

  const assertionPage = (user: PortalUser, state: string): string => {
    const now = kit.clock();
    const assertion: Assertion = {
      iss: 'contoso-identity-sandbox',
      aud: AUDIENCE,
      sub: user.id,
      state,
      iat: now,
      exp: now + ASSERTION_TTL_MS,
      jti: randomToken(16),
    };
    const payload = Buffer.from(JSON.stringify(assertion)).toString('base64url');
    return `<p>Signing you in to ServiceTitan…</p>
<form method="post" action="${CALLBACK}" id="assertion-form">
<input type="hidden" name="assertion" value="${payload}">
<input type="hidden" name="signature" value="${sign(payload)}">
<noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById('assertion-form').submit();</script>`;
  };

  const idpLoginPage = (
    request: FastifyRequest,
    reply: Parameters<typeof sendPage>[0],
    status: number,
    state: string,
    error?: string,
  ) => {
    const pre = preSession(kit, IDP_PRE, request, reply);
    return sendPage(reply, status, {
      title: 'Contoso Identity — Sign in',
      heading: 'Contoso Identity',
      body: `${alertHtml(error)}<p>Sign in with your organisation account to continue to ServiceTitan.</p>
<form method="post" action="/idp/login" id="idp-form">
<input type="hidden" name="csrf_token" value="${kit.csrf.tokenFor(pre, 'idp')}">
<input type="hidden" name="state" value="${escapeHtml(state)}">
<label for="idp-email">Work email</label>
<input id="idp-email" name="email" type="email" autocomplete="username" required>
<label for="idp-password">Password</label>
<input id="idp-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="idp-submit">Sign in</button>
</form>`,
    });
  };

  const liveState = (state: string | undefined) => {
    const entry = state === undefined ? undefined : states.get(state);
    return entry && kit.clock() - entry.createdAt < STATE_TTL_MS ? entry : undefined;
  };

  app.get<{ Querystring: { state?: string; client_id?: string } }>(
    '/idp/authorize',
    async (request, reply) => {
      const { state, client_id: clientId } = request.query;
      if (clientId !== AUDIENCE || !liveState(state) || state === undefined) {
        return sendPage(reply, 400, {
          title: 'Contoso Identity — Error',
          heading: 'Contoso Identity',
          body: alertHtml('This sign-in request is invalid or has expired.'),
        });
      }
      const sessionId = kit.cookie(request, IDP_SESSION);
      const idpSession = sessionId === undefined ? undefined : idpSessions.get(sessionId);
      const user = idpSession ? kit.users.byId(idpSession.userId) : undefined;
      if (idpSession && user && kit.clock() - idpSession.createdAt < IDP_SESSION_MS) {
        return sendPage(reply, 200, {
          title: 'Contoso Identity',
          heading: 'Contoso Identity',
          body: assertionPage(user, state),
        });
      }
      return idpLoginPage(request, reply, 200, state);
    },
  );

  app.post('/idp/login', async (request, reply) => {
    if (!kit.csrf.verify(kit.cookie(request, IDP_PRE), 'idp', formField(request, 'csrf_token'))) {
      return csrfRejected(reply, kit);
    }
    const state = formField(request, 'state') ?? '';
    if (!liveState(state)) return reply.redirect('/login', 303);
    const email = (formField(request, 'email') ?? '').trim().toLowerCase();
    const candidate = kit.users.all().find((u) => u.sso && u.email?.toLowerCase() === email);
    const ok = await kit.users.verifyPassword(candidate, formField(request, 'password') ?? '');
    if (!candidate || !ok) {
      kit.logger.info({ user: candidate?.username ?? '(unknown)' }, 'IdP login failed');
      return idpLoginPage(request, reply, 401, state, 'Incorrect email or password.');
    }
    const sessionId = randomToken();
    idpSessions.set(sessionId, { userId: candidate.id, createdAt: kit.clock() });
    kit.setCookie(reply, IDP_SESSION, sessionId);
    return sendPage(reply, 200, {
      title: 'Contoso Identity',
      heading: 'Contoso Identity',
      body: assertionPage(candidate, state),
    });
  });

  app.post(CALLBACK, async (request, reply) => {
    const payload = formField(request, 'assertion') ?? '';
    const signature = formField(request, 'signature') ?? '';
    const refuse = (reason: string) => {
      kit.logger.warn({ reason }, 'SSO assertion refused');
      return sendPage(reply, 403, {
        title: 'ServiceTitan — Single sign-on failed',
        heading: 'Single sign-on failed',
        body: `<p class="error" role="alert" id="sso-failed">We could not sign you in with your identity provider.</p><p><a href="/login">Back to sign in</a></p>`,
      });
    };
    if (payload === '' || !safeEqual(sign(payload), signature)) return refuse('bad signature');
    let assertion: Assertion;
    try {
      assertion = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Assertion;
    } catch {
      return refuse('malformed');
    }
    const state = liveState(assertion.state);
    if (assertion.aud !== AUDIENCE) return refuse('audience');
    if (kit.clock() >= assertion.exp) return refuse('expired');
    if (usedAssertions.has(assertion.jti)) return refuse('replayed');
    if (!state || state.preSessionId !== kit.cookie(request, portalPre)) return refuse('state');
    const user = kit.users.byId(assertion.sub);
    if (!user?.sso) return refuse('not an SSO user');
    usedAssertions.add(assertion.jti);
    states.delete(assertion.state);
    kit.startSession(reply, user);
    return reply.redirect(state.next, 303);
  });

  return {
    start(request, _user, next) {
      const state = randomToken(24);
      const pre = kit.cookie(request, portalPre) ?? '';
      states.set(state, { preSessionId: pre, createdAt: kit.clock(), next });
      return `/idp/authorize?client_id=${AUDIENCE}&state=${encodeURIComponent(state)}`;
    },
  };
}
