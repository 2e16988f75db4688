import { AddressPolicy } from './address.policy';
import { endpointUrlProblem, MAX_URL_LENGTH } from './endpoint-url.util';
import type { Resolver } from './guarded-connector';

const publicDns: Resolver = async () => [{ address: '93.184.216.34', family: 4 }];
const brokenDns: Resolver = async (host) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};
const rules = { allowHttp: false, policy: new AddressPolicy(), resolver: publicDns };

describe('endpointUrlProblem', () => {
  it('accepts an https URL on a public host', async () => {
    await expect(
      endpointUrlProblem('https://hooks.example.com/fieldsync?x=1', rules),
    ).resolves.toBeUndefined();
  });

  it('requires https unless plain http is allowed (development)', async () => {
    await expect(endpointUrlProblem('http://hooks.example.com/', rules)).resolves.toMatch(/must use https/);
    await expect(
      endpointUrlProblem('http://hooks.example.com/', { ...rules, allowHttp: true }),
    ).resolves.toBeUndefined();
  });

  it('names what is wrong with unusable URLs', async () => {
    await expect(endpointUrlProblem('hooks.example.com/x', rules)).resolves.toMatch(/absolute URL/);
    await expect(endpointUrlProblem('ftp://hooks.example.com/', rules)).resolves.toBe(
      'must be an https:// URL',
    );
    await expect(endpointUrlProblem('https://user:pw@hooks.example.com/', rules)).resolves.toMatch(
      /credentials/,
    );
    await expect(endpointUrlProblem(`https://e.com/${'a'.repeat(MAX_URL_LENGTH)}`, rules)).resolves.toMatch(
      /at most/,
    );
  });

  it('accepts a name that does not resolve yet (deliveries retry until it does)', async () => {
    await expect(
      endpointUrlProblem('https://not-yet.example.com/', { ...rules, resolver: brokenDns }),
    ).resolves.toBeUndefined();
  });
});
