import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CapturedSession } from '@fieldsync/connector-kit';
import { TomAuthFlow } from './tom.auth-flow';

/*
 * TOM's Log Out as the session manager uses it: which answers of the portal count as the seat being free.
 * A local HTTP server answers the way Mobile II does (the sandbox's own routes are proved in its portal
 * spec and, through the real session manager, in apps/session-manager/e2e/tom-seat-release.e2e-spec.ts).
 */

type Answer = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe('TomAuthFlow.logout', () => {
  let server: Server;
  let answer: Answer;
  let seen: { method?: string; url?: string; cookie?: string; body: string }[] = [];
  let portalUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, cookie: req.headers.cookie, body });
        answer(req, body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    portalUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    seen = [];
  });

  const session = (): CapturedSession => ({
    vendor: 'tom',
    portalUrl,
    cookies: [
      {
        name: 'tom_session',
        value: 'cookie-value',
        domain: '127.0.0.1',
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: 'Lax',
      },
    ],
    headers: { 'x-csrf-token': 'anti-forgery' },
    user: { id: 'u1', name: 'Admin', role: 'Administrator', entitlements: [] },
    establishedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    deviceCookies: [],
  });
  const flow = new TomAuthFlow();

  it('is declared release-first: the company file counts sessions against its licence', () => {
    expect(flow.refreshOrder).toBe('release-first');
    expect(typeof flow.logout).toBe('function');
  });

  it("posts Mobile II's Log Out form with the session cookie and token; the redirect to sign-in means released", async () => {
    answer = (_req, _body, res) => res.writeHead(303, { location: '/Account/Login' }).end();
    await expect(flow.logout(session(), AbortSignal.timeout(5_000))).resolves.toEqual({ released: true });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/Account/LogOff',
        cookie: 'tom_session=cookie-value',
        body: '__RequestVerificationToken=anti-forgery',
      },
    ]);
  });

  it('a refused token, a server error or a redirect elsewhere is failed, naming the status and no secret', async () => {
    for (const [status, headers] of [
      [403, {}],
      [500, {}],
      [302, { location: '/home' }],
    ] as const) {
      answer = (_req, _body, res) => res.writeHead(status, headers).end();
      const result = await flow.logout(session(), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ released: false });
      const error = result.released ? '' : result.error;
      expect(error).toContain(`HTTP ${String(status)}`);
      expect(error).not.toMatch(/cookie-value|anti-forgery/);
    }
  });

  it('an unreachable portal or an aborted call is failed, never thrown', async () => {
    answer = () => undefined; // never answers
    const result = await flow.logout(session(), AbortSignal.timeout(200));
    expect(result).toMatchObject({ released: false });
    const unreachable = await flow.logout(
      { ...session(), portalUrl: 'http://127.0.0.1:1' },
      AbortSignal.timeout(2_000),
    );
    expect(unreachable).toMatchObject({ released: false });
  });
});
