import type { FastifyReply, FastifyRequest } from 'fastify';

/*
 * Cookies of the portals, read and written here rather than with @fastify/cookie: its lazy ESM
 * import of `cookie` cannot load inside jest's VM, and the portals only need name=value cookies
 * whose values are base64url tokens.
 */

/** The value of cookie `name` in the request's Cookie header (first one wins). */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

/** Appends a Set-Cookie: HttpOnly, SameSite=Lax, Path=/ (Max-Age when given, in seconds). */
export function writeCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds?: number): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (maxAgeSeconds !== undefined) parts.splice(1, 0, `Max-Age=${maxAgeSeconds}`);
  void reply.header('set-cookie', parts.join('; '));
}

/** Appends a Set-Cookie that deletes `name`. */
export function deleteCookie(reply: FastifyReply, name: string): void {
  void reply.header('set-cookie', `${name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`);
}
