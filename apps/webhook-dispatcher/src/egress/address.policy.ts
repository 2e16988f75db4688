import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Network = readonly [Address, number];

/** Why an address is refused (`undefined` = allowed). */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Cloud metadata services on addresses that are otherwise public (the others — 169.254.169.254,
 * fd00:ec2::254, 100.100.100.200, 192.0.0.192 — fall in link-local, unique-local, CGNAT and reserved
 * ranges that are refused anyway). Azure's wire server answers on 168.63.129.16.
 */
const METADATA_ADDRESSES: readonly Network[] = [[ipaddr.parse('168.63.129.16'), 32]];

/** Local-use NAT64 (RFC 8215): translated by a private gateway, so never a public destination. */
const LOCAL_NAT64: Network = ipaddr.parseCIDR('64:ff9b:1::/48');

function inNetwork(address: Address, [network, bits]: Network): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

function ipv4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

const TRANSLATED_TAIL_RANGES = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052']);

/** ::a.b.c.d (RFC 4291 §2.5.5.1, deprecated): the first 96 bits zero, and neither :: nor ::1. */
function isIPv4Compatible(address: ipaddr.IPv6): boolean {
  const p = address.parts;
  return p.slice(0, 6).every((x) => x === 0) && ((p[6] ?? 0) !== 0 || (p[7] ?? 0) > 1);
}

/**
 * The IPv4 addresses an IPv6 address carries, for the forms that make a packet reach that IPv4 host:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d),
 * NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::), Teredo (server and obfuscated client) and ISATAP
 * interface ids (…:5efe:a.b.c.d).
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts;
  const part = (i: number): number => p[i] ?? 0;
  const found: ipaddr.IPv4[] = [];
  const range = address.range();
  if (isIPv4Compatible(address) || TRANSLATED_TAIL_RANGES.has(range)) {
    found.push(ipv4FromParts(part(6), part(7))); // ::a.b.c.d, ::ffff:a.b.c.d, ::ffff:0:a.b.c.d, 64:ff9b::a.b.c.d
  }
  if (range === '6to4') found.push(ipv4FromParts(part(1), part(2)));
  if (range === 'teredo') {
    found.push(ipv4FromParts(part(2), part(3)));
    found.push(ipv4FromParts(~part(6) & 0xffff, ~part(7) & 0xffff));
  }
  if ((part(4) === 0 || part(4) === 0x0200) && part(5) === 0x5efe) {
    found.push(ipv4FromParts(part(6), part(7)));
  }
  return found;
}

/** IPv6 ranges that only carry an embedded IPv4 destination; allowed when that destination is. */
const TRANSLATED_RANGES = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo']);

/**
 * Which destination addresses the dispatcher may connect to. Only globally routable unicast addresses
 * pass: loopback, private (RFC 1918), CGNAT, link-local (with 169.254.169.254), unique-local
 * (fc00::/7, with AWS's fd00:ec2::254), multicast, reserved, documentation and benchmarking ranges,
 * cloud metadata addresses, and every IPv6 form that embeds such an IPv4 address are refused —
 * unless the address lies in an allowed network (WEBHOOK_ALLOWED_NETWORKS; development allows loopback).
 */
export class AddressPolicy {
  constructor(private readonly allowedNetworks: readonly Network[] = []) {}

  check(rawAddress: string): AddressVerdict {
    let address: Address;
    try {
      address = ipaddr.parse(rawAddress.replace(/^\[|\]$/g, ''));
    } catch {
      return { allowed: false, reason: `"${rawAddress}" is not an IP address` };
    }
    if (address.kind() === 'ipv6') {
      const v6 = address as ipaddr.IPv6;
      if (v6.zoneId !== undefined) {
        return { allowed: false, reason: `${rawAddress} carries an interface zone (link-local)` };
      }
      if (v6.isIPv4MappedAddress()) address = v6.toIPv4Address();
    }
    if (this.allowedNetworks.some((network) => inNetwork(address, network))) return { allowed: true };
    return address.kind() === 'ipv4'
      ? this.checkIPv4(address as ipaddr.IPv4, rawAddress)
      : this.checkIPv6(address as ipaddr.IPv6, rawAddress);
  }

  isAllowed(address: string): boolean {
    return this.check(address).allowed;
  }

  private checkIPv4(address: ipaddr.IPv4, raw: string): AddressVerdict {
    const range = address.range();
    if (range !== 'unicast') return { allowed: false, reason: `${raw} is a ${range} address` };
    if (METADATA_ADDRESSES.some((network) => inNetwork(address, network))) {
      return { allowed: false, reason: `${raw} is a cloud metadata address` };
    }
    return { allowed: true };
  }

  private checkIPv6(address: ipaddr.IPv6, raw: string): AddressVerdict {
    if (inNetwork(address, LOCAL_NAT64)) {
      return { allowed: false, reason: `${raw} is a local-use NAT64 address` };
    }
    if (isIPv4Compatible(address)) {
      return { allowed: false, reason: `${raw} is a deprecated IPv4-compatible address` };
    }
    const range = address.range();
    const embedded = embeddedIPv4(address);
    for (const v4 of embedded) {
      if (this.allowedNetworks.some((network) => inNetwork(v4, network))) continue;
      const verdict = this.checkIPv4(v4, v4.toString());
      if (!verdict.allowed) {
        return { allowed: false, reason: `${raw} embeds ${v4.toString()}: ${verdict.reason}` };
      }
    }
    if (range === 'unicast' || (TRANSLATED_RANGES.has(range) && embedded.length > 0)) {
      return { allowed: true };
    }
    return { allowed: false, reason: `${raw} is a ${range} address` };
  }
}
