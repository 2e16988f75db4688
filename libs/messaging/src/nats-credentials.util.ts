/** NATS_URL cannot be used. The message names the server by position, never echoes a password. */
export class NatsUrlError extends Error {
  override readonly name = 'NatsUrlError';
  readonly code = 'invalid_nats_url';
  readonly retriable = false;
}

/*
 * NATS_URL carries each service's NATS user: `nats://extractor:<password>@nats:4222`. Neither NATS
 * client in this repo reads credentials from a server URL (nats.js v3 and the `nats` v2 package under
 * Nest's transport both drop the user info and connect anonymously: "Authorization Violation"), so
 * they are taken out here and handed over as the `user` / `pass` connection options. The servers
 * that remain carry no secret and are safe to log.
 */

export interface NatsServersAndCredentials {
  /** The servers without user info: safe to log and to name in an error. */
  servers: string[];
  user?: string;
  pass?: string;
}

function decode(part: string, index: number, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new NatsUrlError(`NATS_URL server #${index + 1}: the ${what} is not valid percent-encoding`);
  }
}

/**
 * Splits `servers` (one URL, a comma-separated list or an array) into credential-free servers and the
 * one user/password they carry. A password with `@ : / ? #` or `%` must be percent-encoded. Throws a
 * NatsUrlError when a server is not a nats:// or tls:// URL or when two servers carry different users.
 */
export function natsCredentials(servers: string | readonly string[]): NatsServersAndCredentials {
  const list = (typeof servers === 'string' ? servers.split(',') : [...servers])
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new NatsUrlError('NATS_URL lists no server');

  const out: string[] = [];
  let credentials: { user: string; pass: string } | undefined;
  list.forEach((server, index) => {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      // Not echoed: it may hold a password.
      throw new NatsUrlError(
        `NATS_URL server #${index + 1} is not a URL (expected nats://user:pass@host:4222)`,
      );
    }
    if ((url.protocol !== 'nats:' && url.protocol !== 'tls:') || url.hostname === '') {
      throw new NatsUrlError(`NATS_URL server #${index + 1} must be a nats:// or tls:// URL with a host`);
    }
    if (url.username !== '' || url.password !== '') {
      const found = {
        user: decode(url.username, index, 'user'),
        pass: decode(url.password, index, 'password'),
      };
      if (found.user === '') {
        throw new NatsUrlError(`NATS_URL server #${index + 1} has a password but no user`);
      }
      if (credentials && (credentials.user !== found.user || credentials.pass !== found.pass)) {
        throw new NatsUrlError(
          `NATS_URL server #${index + 1} carries other credentials than an earlier server: a connection has one user`,
        );
      }
      credentials = found;
    }
    out.push(`${url.protocol}//${url.host}`);
  });
  return credentials ? { servers: out, ...credentials } : { servers: out };
}
