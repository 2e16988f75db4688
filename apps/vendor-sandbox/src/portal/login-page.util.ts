import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderPage } from './html.util';
import type { PortalKit } from './portal.types';

/**
 * The pre-session cookie of a portal's login pages (`<prefix>_pre`): set on the first page load,
 * the CSRF tokens of its forms are bound to it.
 */
export function preSession(
  kit: PortalKit,
  cookieName: string,
  request: FastifyRequest,
  reply: FastifyReply,
): string {
  const existing = kit.cookie(request, cookieName);
  if (existing !== undefined && existing.length >= 32) return existing;
  const id = kit.csrf.newPreSession();
  kit.setCookie(reply, cookieName, id);
  return id;
}

/** A relative in-portal path to return to after login, or the home page. */
export function safeNext(next: string | undefined, home: string): string {
  return next !== undefined && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : home;
}

/** Sends an HTML page with a status. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  page: { title: string; heading: string; body: string; head?: string },
): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));
}

/** The 403 page of a missing or wrong CSRF token. */
export function csrfRejected(reply: FastifyReply, kit: PortalKit): FastifyReply {
  kit.logger.warn('form rejected: missing or invalid CSRF token');
  return sendPage(reply, 403, {
    title: `${kit.name} — Forbidden`,
    heading: 'Forbidden',
    body: `<p class="error" role="alert">Your session has expired or the form is invalid. <a href="${kit.loginPath}">Sign in again</a>.</p>`,
  });
}
