import { createSecretKey } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { WebhookClient } from '../delivery/webhook.client';
import { AddressPolicy, type Network } from './address.policy';
import { endpointUrlProblem } from './endpoint-url.util';
import { guardedLookup, type Resolver } from './guarded-connector';
import ipaddr from 'ipaddr.js';

/*
 * The SSRF table: hostile URLs and hostile DNS answers, each pushed through the real delivery client
 * (undici Agent with the guarded connector) with an injected resolver. None of them may open a
 * connection: the attempt must come back `refused` with a reason, without touching the network.
 */

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

/** Hostile DNS: every name here answers with addresses a webhook must never reach. */
const HOSTILE_DNS: Record<string, LookupAddress[]> = {
  'localhost.example.com': [v4('127.0.0.1')],
  'loopback-v6.example.com': [v6('::1')],
  'rebind.example.com': [v4('93.184.216.34'), v4('127.0.0.1')],
  'metadata.google.internal': [v4('169.254.169.254')],
  'metadata.azure.example.com': [v4('168.63.129.16')],
  'alibaba-metadata.example.com': [v4('100.100.100.200')],
  'oracle-metadata.example.com': [v4('192.0.0.192')],
  'aws-v6-metadata.example.com': [v6('fd00:ec2::254')],
  'intranet.example.com': [v4('10.1.2.3')],
  'office.example.com': [v4('192.168.0.10')],
  'docker.example.com': [v4('172.17.0.1')],
  'mapped.example.com': [v6('::ffff:10.0.0.5')],
  'nat64.example.com': [v6('64:ff9b::a9fe:a9fe')],
  'sixtofour.example.com': [v6('2002:7f00:1::1')],
  'zero.example.com': [v4('0.0.0.0')],
  'ula.example.com': [v6('fd12:3456:789a::1')],
  'linklocal-v6.example.com': [v6('fe80::1')],
  'mixed-v6.example.com': [v6('2606:4700:4700::1111'), v6('::ffff:127.0.0.1')],
};

const hostileResolver: Resolver = async (hostname) => {
  const answer = HOSTILE_DNS[hostname];
  if (!answer) throw Object.assign(new Error(`unexpected lookup of ${hostname}`), { code: 'ENOTFOUND' });
  return answer;
};

const HOSTILE_URLS: readonly string[] = [
  // IPv4 literals, in every notation the URL parser normalises
  'http://127.0.0.1/hook',
  'http://127.1.2.3:8080/hook',
  'http://2130706433/hook', // 127.0.0.1 as one decimal number
  'http://0x7f.0.0.1/hook', // hex octet
  'http://0177.0.0.1/hook', // octal octet
  'http://0.0.0.0/hook',
  'http://10.0.0.1/hook',
  'http://172.16.5.4/hook',
  'http://192.168.1.1/hook',
  'http://100.64.0.1/hook', // carrier-grade NAT
  'http://169.254.169.254/latest/meta-data/', // AWS / GCP / Azure IMDS
  'http://168.63.129.16/', // Azure wire server
  'http://100.100.100.200/latest/meta-data/', // Alibaba
  'http://192.0.0.192/opc/v2/', // Oracle
  'http://224.0.0.1/hook', // multicast
  'http://255.255.255.255/hook',
  'http://198.18.0.1/hook', // benchmarking
  // IPv6 literals and IPv4 embedded in IPv6
  'http://[::1]/hook',
  'http://[::]/hook',
  'http://[::ffff:127.0.0.1]/hook', // IPv4-mapped
  'http://[::ffff:169.254.169.254]/hook',
  'http://[::ffff:0:a00:1]/hook', // IPv4-translated 10.0.0.1
  'http://[::127.0.0.1]/hook', // IPv4-compatible (deprecated)
  'http://[64:ff9b::7f00:1]/hook', // NAT64 of 127.0.0.1
  'http://[64:ff9b:1::a00:1]/hook', // local-use NAT64
  'http://[2002:a9fe:a9fe::1]/hook', // 6to4 of 169.254.169.254
  'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook', // Teredo, client 127.0.0.1
  'http://[fd00:ec2::254]/latest/meta-data/', // AWS IMDS over IPv6
  'http://[fc00::1]/hook',
  'http://[fe80::1]/hook',
  'http://[ff02::1]/hook',
  'http://[2001:db8::1]/hook', // documentation
  // names whose DNS answers are hostile
  ...Object.keys(HOSTILE_DNS).map((name) => `https://${name}/hook`),
];

describe('SSRF guard (no loopback allowed)', () => {
  const policy = new AddressPolicy([]);
  let client: WebhookClient;

  beforeAll(() => {
    client = new WebhookClient({ policy, resolver: hostileResolver, timeoutMs: 2_000 });
  });
  afterAll(() => client.close());

  it(`has at least 30 hostile URLs and DNS answers`, () => {
    expect(HOSTILE_URLS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(HOSTILE_URLS)('refuses to connect to %s', async (url) => {
    const result = await client.send({
      url,
      messageId: 'msg_1',
      body: '{}',
      keys: [createSecretKey(Buffer.alloc(24, 1))],
    });
    expect(result).toMatchObject({ outcome: 'refused', statusCode: null });
    expect(result.error).toMatch(/^refused: /);
  });

  it.each(HOSTILE_URLS)('refuses %s when the endpoint is saved', async (url) => {
    const problem = await endpointUrlProblem(url, { allowHttp: true, policy, resolver: hostileResolver });
    expect(problem).toMatch(/is not allowed/);
  });

  it('checks the address at connect time, so a name that later resolves to loopback is refused', async () => {
    let answer: LookupAddress[] = [v4('93.184.216.34')];
    const changing: Resolver = async () => answer;
    await expect(
      endpointUrlProblem('https://flip.example.com/hook', { allowHttp: false, policy, resolver: changing }),
    ).resolves.toBeUndefined();
    answer = [v4('127.0.0.1')];
    const flipping = new WebhookClient({ policy, resolver: changing, timeoutMs: 2_000 });
    try {
      const result = await flipping.send({
        url: 'https://flip.example.com/hook',
        messageId: 'm',
        body: '{}',
        keys: [],
      });
      expect(result).toMatchObject({ outcome: 'refused' });
      expect(result.error).toContain('127.0.0.1');
    } finally {
      await flipping.close();
    }
  });

  it('lets public addresses through, including IPv4 embedded in IPv6 forms of public hosts', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ]) {
      expect({ address, verdict: policy.check(address) }).toEqual({ address, verdict: { allowed: true } });
    }
  });
});

describe('AddressPolicy allow-list', () => {
  const loopback: Network[] = [ipaddr.parseCIDR('127.0.0.0/8'), ipaddr.parseCIDR('::1/128')];
  const policy = new AddressPolicy(loopback);

  it('allows exactly the listed networks, in their IPv4-mapped forms too', () => {
    expect(policy.isAllowed('127.0.0.1')).toBe(true);
    expect(policy.isAllowed('::1')).toBe(true);
    expect(policy.isAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(policy.isAllowed('10.0.0.1')).toBe(false);
    expect(policy.isAllowed('169.254.169.254')).toBe(false);
  });

  it('answers node lookups in both shapes (one address, or all of them)', async () => {
    const lookup = guardedLookup(policy, async () => [v4('127.0.0.1'), v6('::1')]);
    const one = await new Promise<[string, number | undefined]>((resolve, reject) =>
      lookup('local.test', { family: 6 }, (error, address, family) =>
        error ? reject(error) : resolve([address as string, family]),
      ),
    );
    expect(one).toEqual(['::1', 6]);
    const all = await new Promise<unknown>((resolve, reject) =>
      lookup('local.test', { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );
    expect(all).toEqual([v4('127.0.0.1'), v6('::1')]);
  });
});
