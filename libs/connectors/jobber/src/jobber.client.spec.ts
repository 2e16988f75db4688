import { VendorCallError, type CapturedSession, type SyncContext } from '@fieldsync/connector-kit';
import pino from 'pino';
import { JobberGraphqlError, jobberGraphql, retryAfterMs, throttleWaitMs } from './jobber.client';

/*
 * The GraphQL call's answers → results and VendorCallErrors, with `fetch` replaced (no network): the
 * session's cookie and headers go out, every vendor failure comes back as what the extractor acts on.
 */

const NOW = new Date('2026-03-02T18:00:00Z');
const session: CapturedSession = {
  vendor: 'jobber',
  portalUrl: 'https://secure.jobber.test',
  cookies: [
    {
      name: '_jobber_session',
      value: 's3cr3t',
      domain: 'secure.jobber.test',
      path: '/',
      expires: -1,
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    },
  ],
  headers: { 'x-csrf-token': 'csrf-1', 'x-jobber-graphql-version': '2025-04-16' },
  user: { id: 'u1', name: 'Office', role: 'Office staff', entitlements: [] },
  establishedAt: '2026-03-02T17:00:00Z',
  expiresAt: '2026-03-16T17:00:00Z',
  deviceCookies: [],
};
const ctx: SyncContext = {
  tenantId: 't1',
  connectionId: 'c1',
  vendor: 'jobber',
  session,
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  now: () => NOW,
};
const COST = {
  requestedQueryCost: 4_000,
  actualQueryCost: 0,
  throttleStatus: { maximumAvailable: 10_000, currentlyAvailable: 1_500, restoreRate: 500 },
};

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, {
    status,
    headers: { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers },
  });
}

async function failureOf(response: Response) {
  jest.spyOn(globalThis, 'fetch').mockResolvedValueOnce(response);
  try {
    await jobberGraphql(ctx, 'Op', '{ users { nodes { id } } }', {});
  } catch (error) {
    if (error instanceof VendorCallError) return error.failure;
    throw error;
  }
  throw new Error('no failure');
}

describe('jobberGraphql', () => {
  afterEach(() => jest.restoreAllMocks());

  it('posts the query with the session cookie, CSRF token and API version; returns data and cost', async () => {
    const fetchMock = jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValueOnce(answer(200, { data: { users: { nodes: [] } }, extensions: { cost: COST } }));
    const result = await jobberGraphql(ctx, 'Op', 'query Op { users { nodes { id } } }', { first: 3 });
    expect(result).toEqual({ data: { users: { nodes: [] } }, cost: COST });
    const [url, init] = fetchMock.mock.calls[0] as [URL, RequestInit];
    expect(url.toString()).toBe('https://secure.jobber.test/api/graphql');
    const headers = new Headers(init.headers);
    expect(headers.get('cookie')).toBe('_jobber_session=s3cr3t');
    expect(headers.get('x-csrf-token')).toBe('csrf-1');
    expect(headers.get('x-jobber-graphql-version')).toBe('2025-04-16');
    expect(JSON.parse(init.body as string)).toEqual({
      query: 'query Op { users { nodes { id } } }',
      variables: { first: 3 },
      operationName: 'Op',
    });
  });

  it('THROTTLED → rate_limited until the bucket has restored the requested cost', async () => {
    const body = {
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
      extensions: { cost: COST },
    };
    // (4,000 − 1,500) points at 500/s
    expect(await failureOf(answer(200, body))).toEqual({ kind: 'rate_limited', retryAfterMs: 5_000 });
  });

  it('429 → rate_limited after Retry-After, in seconds or as an HTTP date', async () => {
    expect(await failureOf(answer(429, { message: 'Too Many Requests' }, { 'retry-after': '12' }))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 12_000,
    });
    expect(
      await failureOf(
        answer(429, { message: 'slow down' }, { 'retry-after': 'Mon, 02 Mar 2026 18:00:30 GMT' }),
      ),
    ).toEqual({ kind: 'rate_limited', retryAfterMs: 30_000 });
  });

  it('401, 403, a redirect or an HTML page → unauthorized; 5xx and network errors → unavailable', async () => {
    expect(await failureOf(answer(401, { error: 'unauthenticated' }))).toEqual({
      kind: 'unauthorized',
      status: 401,
    });
    expect(await failureOf(answer(403, { error: 'csrf' }))).toEqual({ kind: 'unauthorized', status: 403 });
    expect(await failureOf(answer(302, '', { location: '/login' }))).toEqual({
      kind: 'unauthorized',
      status: 302,
    });
    expect(await failureOf(answer(200, '<html>Log in</html>'))).toEqual({
      kind: 'unauthorized',
      status: 200,
    });
    expect(await failureOf(answer(503, { error: 'down' }))).toEqual({
      kind: 'unavailable',
      status: 503,
      message: 'HTTP 503',
    });
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('fetch failed'));
    await expect(jobberGraphql(ctx, 'Op', '{ x }', {})).rejects.toMatchObject({
      failure: { kind: 'unavailable', message: 'fetch failed' },
    });
  });

  it('other GraphQL errors are a JobberGraphqlError with their codes', async () => {
    jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValueOnce(
        answer(200, { errors: [{ message: 'Invalid cursor: x', extensions: { code: 'INVALID_CURSOR' } }] }),
      );
    const error: unknown = await jobberGraphql(ctx, 'Op', '{ x }', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobberGraphqlError);
    expect(error).toMatchObject({ codes: ['INVALID_CURSOR'], message: 'Jobber Op: Invalid cursor: x' });
  });
});

describe('waits', () => {
  it('reads Retry-After and the throttle status', () => {
    expect(retryAfterMs(null, NOW)).toBeUndefined();
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs('Mon, 02 Mar 2026 17:00:00 GMT', NOW)).toBe(0);
    expect(throttleWaitMs({ ...COST, requestedQueryCost: 100 })).toBe(1_000);
    expect(throttleWaitMs(undefined)).toBe(5_000);
  });
});
