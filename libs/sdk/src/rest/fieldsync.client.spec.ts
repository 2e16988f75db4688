import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FieldsyncApiError, FieldsyncNetworkError } from './fieldsync-api.error';
import { FieldsyncClient } from './fieldsync.client';
import { parseRetryAfter, retryDelayMs } from './retry-policy.util';

/*
 * The client against a real HTTP server started here, answering as the api does (envelope, keyset cursor,
 * problem details, 202 + Location, Retry-After): what goes on the wire and what the caller gets back.
 */

interface Seen {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: Seen, res: ServerResponse) => void;

const KEY = 'fsk_test_0123456789abcdef';
const problem = (res: ServerResponse, status: number, body: Record<string, unknown>, headers = {}): void => {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'x-request-id': 'req_42', ...headers });
  res.end(JSON.stringify(body));
};
const json = (res: ServerResponse, status: number, body: unknown, headers = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_ok', ...headers });
  res.end(JSON.stringify(body));
};

describe('FieldsyncClient over HTTP', () => {
  let server: Server;
  let baseUrl = '';
  let handler: Handler = (_req, res) => json(res, 404, {});
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: new URL(req.url ?? '/', baseUrl),
          headers: req.headers,
          body,
        };
        seen.push(request);
        handler(request, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (seen.length = 0));

  const client = (retry = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 2_000 }) =>
    new FieldsyncClient({ baseUrl, apiKey: KEY, retry });

  it('iterates every item by cursor, forwarding the filters and the key', async () => {
    const jobs = Array.from({ length: 7 }, (_, i) => ({ jobId: `job_${i}`, status: 'scheduled' }));
    handler = (req, res) => {
      const start = req.url.searchParams.has('cursor') ? Number(req.url.searchParams.get('cursor')) : 0;
      const size = Number(req.url.searchParams.get('pageSize') ?? 50);
      const items = jobs.slice(start, start + size);
      const next = start + size < jobs.length ? String(start + size) : null;
      json(res, 200, {
        items,
        page: 1,
        pageSize: size,
        total: start === 0 ? jobs.length : null,
        nextCursor: next,
      });
    };
    const got: string[] = [];
    for await (const job of client().iterate('jobs', {
      status: 'scheduled',
      technicianId: 'tec_1',
      pageSize: 3,
    })) {
      got.push(job.jobId);
    }
    expect(got).toEqual(jobs.map((j) => j.jobId));
    expect(seen.map((s) => `${s.method} ${s.url.pathname}?${s.url.searchParams.toString()}`)).toEqual([
      'GET /jobs?status=scheduled&technicianId=tec_1&pageSize=3',
      'GET /jobs?status=scheduled&technicianId=tec_1&pageSize=3&cursor=3',
      'GET /jobs?status=scheduled&technicianId=tec_1&pageSize=3&cursor=6',
    ]);
    expect(seen.every((s) => s.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    // the iterator owns page and cursor
    const iterateWithPage = async () => {
      // @ts-expect-error page is not a filter of iterate()
      for await (const _ of client().iterate('jobs', { page: 2 })) break;
    };
    await expect(iterateWithPage()).rejects.toThrow('pass neither page nor cursor');
  });

  it('gets one item by id, with the id escaped into the path', async () => {
    handler = (req, res) =>
      json(res, 200, { clientId: decodeURIComponent(req.url.pathname.split('/')[2] ?? '') });
    expect(await client().get('clients', 'cl_01 K')).toEqual({ clientId: 'cl_01 K' });
    expect(seen[0]?.url.pathname).toBe('/clients/cl_01%20K');
    await expect(client().get('clients', '../api-keys')).rejects.toThrow('path parameter clientId');
  });

  it('maps a problem to a FieldsyncApiError naming the fields, status, code and request id, without retrying a 4xx', async () => {
    handler = (_req, res) =>
      problem(res, 400, {
        type: 'urn:fieldsync:problem:invalid_request',
        title: 'The request is invalid',
        status: 400,
        detail: 'query.status: expected one of scheduled, …',
        instance: 'req_42',
        code: 'invalid_request',
        errors: [{ field: 'query.status', message: 'Invalid option' }],
      });
    const error = await client()
      .list('jobs', { tag: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldsyncApiError);
    const apiError = error as FieldsyncApiError;
    expect([apiError.status, apiError.code, apiError.requestId, apiError.fields]).toEqual([
      400,
      'invalid_request',
      'req_42',
      ['query.status'],
    ]);
    expect(apiError.message).toBe(
      'GET /jobs answered 400 invalid_request: query.status: expected one of scheduled, … (query.status: Invalid option)',
    );
    expect(seen).toHaveLength(1);
  });

  it('retries a GET on 5xx with backoff, bounded, and then surfaces the last problem', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls += 1;
      if (calls < 3)
        return problem(res, 503, {
          status: 503,
          code: 'vendor_unavailable',
          title: 't',
          detail: 'd',
          instance: 'i',
        });
      json(res, 200, { items: [], positions: [], nextAfter: 0 });
    };
    expect((await client().events({ after: 0, types: ['job.created', 'job.*'] })).nextAfter).toBe(0);
    expect(seen).toHaveLength(3);
    expect(seen[0]?.url.search).toBe('?after=0&types=job.created%2Cjob.*');
    seen.length = 0;
    handler = (_req, res) => res.writeHead(500).end('<html>boom</html>');
    const error = (await client()
      .connections()
      .catch((e: unknown) => e)) as FieldsyncApiError;
    expect([error.status, error.code, error.detail]).toEqual([500, 'http_500', '<html>boom</html>']);
    expect(seen).toHaveLength(3);
  });

  it('honours Retry-After on 429, and does not wait past maxDelayMs', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls += 1;
      if (calls === 1)
        return problem(
          res,
          429,
          { status: 429, code: 'rate_limited', title: 't', detail: 'd', instance: 'i' },
          { 'retry-after': '1' },
        );
      json(res, 200, { connections: [] });
    };
    const started = Date.now();
    await client().connections();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(seen).toHaveLength(2);
    seen.length = 0;
    handler = (_req, res) =>
      problem(
        res,
        429,
        { status: 429, code: 'rate_limited', title: 't', detail: 'd', instance: 'i' },
        { 'retry-after': '3600' },
      );
    const error = (await client()
      .connections()
      .catch((e: unknown) => e)) as FieldsyncApiError;
    expect([error.code, error.retryAfterSeconds]).toEqual(['rate_limited', 3600]);
    expect(seen).toHaveLength(1);
  });

  it('keeps the command of a failed write on the error (its id, result code, whether to retry)', async () => {
    handler = (_req, res) =>
      problem(res, 422, {
        type: 'urn:fieldsync:problem:unprocessable',
        title: 'The request cannot be carried out',
        status: 422,
        detail: 'the vendor refused: the technician is off that day',
        instance: 'req_42',
        code: 'unprocessable',
        errors: [{ field: 'body.assignedTechnicianIds.0', message: 'not available' }],
        commandId: 'cmd_7',
        commandError: 'vendor_rejected',
        retriable: false,
      });
    const error = (await client()
      .write('dispatchJob', { path: { jobId: 'job_1' }, body: { assignedTechnicianIds: ['tec_1'] } })
      .catch((e: unknown) => e)) as FieldsyncApiError;
    expect([error.commandId, error.commandError, error.retriable, error.fields]).toEqual([
      'cmd_7',
      'vendor_rejected',
      false,
      ['body.assignedTechnicianIds.0'],
    ]);
    expect(seen.map((s) => `${s.method} ${s.url.pathname}`)).toEqual(['PATCH /jobs/job_1/dispatch']);
  });

  it('never retries a POST without an Idempotency-Key', async () => {
    handler = (_req, res) =>
      problem(res, 503, { status: 503, code: 'internal', title: 't', detail: 'd', instance: 'i' });
    await expect(client().resolveDriftReport('drf_1')).rejects.toMatchObject({ status: 503 });
    expect(seen.map((s) => s.method)).toEqual(['POST']);
  });

  it('sends writes with a generated Idempotency-Key, retries them with the same key, and polls a 202 to its end', async () => {
    let posts = 0;
    let polls = 0;
    handler = (req, res) => {
      if (req.method === 'POST') {
        posts += 1;
        if (posts === 1)
          return problem(res, 502, {
            status: 502,
            code: 'vendor_unavailable',
            title: 't',
            detail: 'd',
            instance: 'i',
          });
        return json(
          res,
          202,
          { commandId: 'cmd_1', status: 'pending', location: '/commands/cmd_1' },
          { location: '/commands/cmd_1' },
        );
      }
      polls += 1;
      json(res, 200, {
        commandId: 'cmd_1',
        type: 'job.create',
        connectionId: 'con_1',
        idempotencyKey: String(seen[0]?.headers['idempotency-key']),
        status: polls < 3 ? 'in_progress' : 'succeeded',
        result: polls < 3 ? null : { jobId: 'job_9' },
        error: null,
        requestedAt: '2026-12-07T12:00:00Z',
        completedAt: null,
      });
    };
    const outcome = await client().write(
      'createJob',
      { body: { clientId: 'cl_1', title: 'AC repair' } },
      { intervalMs: 5, timeoutMs: 5_000 },
    );
    const keys = seen.filter((s) => s.method === 'POST').map((s) => s.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ clientId: 'cl_1', title: 'AC repair' });
    expect(outcome).toMatchObject({
      kind: 'command',
      idempotencyKey: keys[0],
      command: { status: 'succeeded', result: { jobId: 'job_9' } },
    });
    expect(seen.filter((s) => s.method === 'GET').map((s) => s.url.pathname)).toEqual(
      Array(3).fill('/commands/cmd_1'),
    );
  });

  it('returns the resource of a 201 and says when it was a replay of the same key', async () => {
    handler = (_req, res) =>
      json(res, 201, { jobId: 'job_9', status: 'scheduled' }, { 'idempotent-replayed': 'true' });
    const outcome = await client().write('createJob', {
      body: { clientId: 'cl_1', title: 'AC repair' },
      idempotencyKey: 'order-1234',
    });
    expect(outcome).toMatchObject({
      kind: 'resource',
      status: 201,
      replayed: true,
      idempotencyKey: 'order-1234',
    });
    expect(seen[0]?.headers['idempotency-key']).toBe('order-1234');
    await expect(
      client().write('createJob', {
        body: { clientId: 'cl_1', title: 'AC repair' },
        idempotencyKey: 'has space',
      }),
    ).rejects.toThrow('idempotencyKey must be 1–255 printable ASCII characters');
  });

  it('stops polling a command at the bound and returns it as it stands', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        commandId: 'cmd_2',
        type: 'job.create',
        connectionId: 'c',
        idempotencyKey: 'k',
        status: 'pending',
        result: null,
        error: null,
        requestedAt: null,
        completedAt: null,
      });
    const started = Date.now();
    const command = await client().awaitCommand('cmd_2', { timeoutMs: 300, intervalMs: 50 });
    expect(command.status).toBe('pending');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it('reports an unreachable API as a FieldsyncNetworkError after the retries', async () => {
    const closed = new FieldsyncClient({
      baseUrl: 'http://127.0.0.1:1',
      apiKey: KEY,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    const error = await closed.connections().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldsyncNetworkError);
    expect((error as FieldsyncNetworkError).attempts).toBe(2);
  });

  it('refuses bad options by name', async () => {
    expect(() => new FieldsyncClient({ baseUrl: 'localhost:3000', apiKey: KEY })).toThrow(
      'baseUrl "localhost:3000" must be an absolute http(s) URL',
    );
    expect(() => new FieldsyncClient({ baseUrl, apiKey: ' ' })).toThrow('apiKey is required');
    // @ts-expect-error not a collection
    await expect(client().list('widgets')).rejects.toThrow('unknown collection "widgets"');
  });
});

describe('retry policy', () => {
  const options = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(
      parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1)),
    ).toBe(30);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
  it('backs off exponentially with full jitter, capped, and stops at maxAttempts', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(a, undefined, options, () => 1))).toEqual([100, 200, 400]);
    expect(retryDelayMs(2, undefined, options, () => 0)).toBe(0);
    expect(retryDelayMs(4, undefined, options, () => 1)).toBeUndefined();
    expect(retryDelayMs(3, undefined, { ...options, baseDelayMs: 800 }, () => 1)).toBe(1_000);
  });
  it('waits at least Retry-After, plus at most 10 %, and refuses one beyond maxDelayMs', () => {
    expect(retryDelayMs(1, 0.5, options, () => 0)).toBe(500);
    expect(retryDelayMs(1, 0.5, options, () => 1)).toBe(550);
    expect(retryDelayMs(1, 2, options, () => 0)).toBeUndefined();
  });
});
