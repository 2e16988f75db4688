import type { CapturedSession, SessionCookie } from './auth-flow.types';
import { cookieHeaderFor, cookiesFor, sessionFetch, sessionUrl } from './session-http.util';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const inSeconds = (s: number) => Math.floor(NOW / 1000) + s;

function cookie(overrides: Partial<SessionCookie> & Pick<SessionCookie, 'name'>): SessionCookie {
  return {
    value: `${overrides.name}-value`,
    domain: 'go.example.com',
    path: '/',
    expires: -1,
    httpOnly: true,
    secure: false,
    sameSite: 'Lax',
    ...overrides,
  };
}

const names = (cookies: SessionCookie[]) => cookies.map((c) => c.name);

describe('cookiesFor / cookieHeaderFor', () => {
  it('sends a host-only cookie to its exact host only, and a domain cookie to subdomains too', () => {
    const jar = [
      cookie({ name: 'host', domain: 'go.example.com' }),
      cookie({ name: 'wide', domain: '.example.com' }),
    ];
    expect(names(cookiesFor(jar, 'http://go.example.com/x', NOW))).toEqual(['host', 'wide']);
    expect(names(cookiesFor(jar, 'http://api.go.example.com/x', NOW))).toEqual(['wide']);
    expect(names(cookiesFor(jar, 'http://example.com/', NOW))).toEqual(['wide']);
    expect(names(cookiesFor(jar, 'http://badexample.com/', NOW))).toEqual([]);
    expect(names(cookiesFor(jar, 'http://GO.EXAMPLE.COM/', NOW))).toEqual(['host', 'wide']);
  });

  it('ignores the port, as browsers do', () => {
    const jar = [cookie({ name: 'a', domain: '127.0.0.1' })];
    expect(cookieHeaderFor(jar, 'http://127.0.0.1:4101/api', NOW)).toBe('a=a-value');
    expect(cookieHeaderFor(jar, 'http://127.0.0.1:9999/', NOW)).toBe('a=a-value');
  });

  it('matches paths on segment boundaries and orders longer paths first', () => {
    const jar = [
      cookie({ name: 'root', path: '/' }),
      cookie({ name: 'api', path: '/api' }),
      cookie({ name: 'apiv2', path: '/api/v2/' }),
    ];
    expect(names(cookiesFor(jar, 'http://go.example.com/api/v2/jobs', NOW))).toEqual([
      'apiv2',
      'api',
      'root',
    ]);
    expect(names(cookiesFor(jar, 'http://go.example.com/api', NOW))).toEqual(['api', 'root']);
    expect(names(cookiesFor(jar, 'http://go.example.com/apix', NOW))).toEqual(['root']);
    expect(names(cookiesFor(jar, 'http://go.example.com/api/v2', NOW))).toEqual(['api', 'root']);
  });

  it('sends a secure cookie over https only', () => {
    const jar = [cookie({ name: 's', secure: true }), cookie({ name: 'p' })];
    expect(cookieHeaderFor(jar, 'https://go.example.com/', NOW)).toBe('s=s-value; p=p-value');
    expect(cookieHeaderFor(jar, 'http://go.example.com/', NOW)).toBe('p=p-value');
  });

  it('drops expired cookies and keeps session cookies (expires -1)', () => {
    const jar = [
      cookie({ name: 'session', expires: -1 }),
      cookie({ name: 'future', expires: inSeconds(60) }),
      cookie({ name: 'past', expires: inSeconds(-1) }),
    ];
    expect(names(cookiesFor(jar, 'http://go.example.com/', NOW))).toEqual(['session', 'future']);
    expect(cookieHeaderFor(jar, 'http://go.example.com/', NOW + 61_000)).toBe('session=session-value');
  });

  it('gives no header when nothing matches', () => {
    expect(cookieHeaderFor([], 'http://go.example.com/', NOW)).toBeUndefined();
    expect(cookieHeaderFor([cookie({ name: 'x' })], 'http://other.example.com/', NOW)).toBeUndefined();
  });
});

describe('sessionUrl', () => {
  it('resolves relative paths against the portal and keeps absolute URLs', () => {
    const session = { portalUrl: 'http://127.0.0.1:4101' };
    expect(sessionUrl(session, '/api/whoami?x=1').href).toBe('http://127.0.0.1:4101/api/whoami?x=1');
    expect(sessionUrl(session, 'https://api.example.com/v2').href).toBe('https://api.example.com/v2');
    expect(() => sessionUrl(session, ' ')).toThrow(/pathOrUrl/);
  });
});

describe('sessionFetch', () => {
  const session: Pick<CapturedSession, 'portalUrl' | 'cookies' | 'headers'> = {
    portalUrl: 'http://go.example.com',
    cookies: [
      cookie({ name: 'st_session', value: 'abc' }),
      cookie({ name: 'other_host', domain: 'idp.example.org' }),
    ],
    headers: { 'x-csrf-token': 'tok', accept: 'application/json' },
  };
  let calls: { url: string; init: RequestInit | undefined }[];

  beforeEach(() => {
    calls = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      calls.push({ url: input instanceof Request ? input.url : input.toString(), init });
      return new Response('{}', { status: 200 });
    });
  });

  afterEach(() => jest.restoreAllMocks());

  it('sends the cookies for that URL, the session headers, and does not follow redirects', async () => {
    await sessionFetch(session, '/api/whoami');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe('http://go.example.com/api/whoami');
    const headers = new Headers(call?.init?.headers);
    expect(headers.get('cookie')).toBe('st_session=abc');
    expect(headers.get('x-csrf-token')).toBe('tok');
    expect(call?.init?.redirect).toBe('manual');
  });

  it("lets the caller's headers and options win, except the Cookie header", async () => {
    await sessionFetch(session, '/api/graphql', {
      method: 'POST',
      body: '{}',
      redirect: 'follow',
      headers: { accept: 'text/html', cookie: 'forged=1', 'content-type': 'application/json' },
    });
    const init = calls[0]?.init;
    const headers = new Headers(init?.headers);
    expect(init?.method).toBe('POST');
    expect(init?.redirect).toBe('follow');
    expect(headers.get('accept')).toBe('text/html');
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('cookie')).toBe('st_session=abc');
  });

  it('sends no Cookie header to a host the session has no cookie for', async () => {
    await sessionFetch(session, 'http://elsewhere.example.net/x', { headers: { cookie: 'forged=1' } });
    expect(new Headers(calls[0]?.init?.headers).get('cookie')).toBeNull();
  });
});
