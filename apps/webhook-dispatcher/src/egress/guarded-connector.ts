import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { AddressPolicy } from './address.policy';
import { EgressError, EgressErrorCode } from './egress.error';

/** Resolves a host name to every address it has (injected in specs to play hostile DNS answers). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** Host names and IPv6 literals as URLs carry them (`[::1]`) → as addresses are written (`::1`). */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Resolves `hostname` and refuses the whole answer when any address in it is not allowed: a DNS answer
 * mixing a public and a private address is the DNS-rebinding pattern, so it is refused rather than filtered.
 */
export async function resolveAllowed(
  hostname: string,
  policy: AddressPolicy,
  resolver: Resolver,
): Promise<readonly LookupAddress[]> {
  const host = bareHost(hostname);
  if (isIP(host) !== 0) {
    const verdict = policy.check(host);
    if (!verdict.allowed) throw new EgressError(EgressErrorCode.Refused, `refused: ${verdict.reason}`);
    return [{ address: host, family: isIP(host) }];
  }
  const addresses = await resolver(host);
  if (addresses.length === 0) {
    throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  }
  for (const { address } of addresses) {
    const verdict = policy.check(address);
    if (!verdict.allowed) {
      throw new EgressError(EgressErrorCode.Refused, `refused: ${host} resolves to ${verdict.reason}`);
    }
  }
  return addresses;
}

/**
 * A `lookup` for net/tls.connect that checks every address at connect time, so an endpoint saved with
 * a harmless name that later resolves to 127.0.0.1 (or 169.254.169.254) is still refused. Node calls it
 * with `all: true` when it races address families (autoSelectFamily), otherwise for one address.
 */
export function guardedLookup(policy: AddressPolicy, resolver: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy, resolver).then(
      (addresses) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family === undefined ? addresses : addresses.filter((a) => a.family === family);
        const first = usable[0];
        if (!first) {
          callback(
            Object.assign(new Error(`${hostname} has no IPv${family ?? ''} address`), { code: 'ENOTFOUND' }),
            '',
          );
        } else if (options.all) {
          callback(null, [...usable]);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/**
 * The undici connector of the delivery client: IP literals are checked before dialling, names through
 * `guardedLookup`, and the peer address of the connected socket once more before a byte of HTTP is sent.
 */
export function guardedConnector(options: {
  policy: AddressPolicy;
  resolver?: Resolver;
  timeoutMs: number;
}): buildConnector.connector {
  const { policy, resolver = systemResolver, timeoutMs } = options;
  const connect = buildConnector({
    timeout: timeoutMs,
    allowH2: false,
    lookup: guardedLookup(policy, resolver),
  });
  return (connectOptions, callback) => {
    const host = bareHost(connectOptions.hostname);
    if (isIP(host) !== 0) {
      const verdict = policy.check(host);
      if (!verdict.allowed) {
        callback(new EgressError(EgressErrorCode.Refused, `refused: ${verdict.reason}`), null);
        return;
      }
    }
    connect(connectOptions, (...args) => {
      const [error, socket] = args;
      if (error !== null) {
        callback(error, null);
        return;
      }
      const peer = socket.remoteAddress;
      const verdict = peer === undefined ? undefined : policy.check(peer);
      if (!verdict?.allowed) {
        socket.destroy();
        callback(
          new EgressError(
            EgressErrorCode.Refused,
            `refused: connected to ${verdict ? verdict.reason : 'an unknown peer address'}`,
          ),
          null,
        );
        return;
      }
      callback(null, socket);
    });
  };
}
