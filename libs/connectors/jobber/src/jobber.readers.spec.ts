import type { CapturedSession, ReadPage, StreamReader, SyncContext } from '@fieldsync/connector-kit';
import pino from 'pino';
import fixture from './__fixtures__/jobber-records.fixture.json';
import { parseJobberCheckpoint } from './jobber-checkpoint.util';
import { jobberReadSide } from './jobber.readers';
import { JOBBER_UNSORTED_OVERLAP_MS } from './readers/stream.reader';
import { validatedRecord } from './readers/wire-record.util';
import { jobberClientSchema } from './jobber.schemas';

/*
 * The readers' paging and checkpoints against scripted GraphQL answers (`fetch` replaced, no network);
 * the sandbox e2e spec runs them against the real thing.
 */

type Node = Record<string, unknown>;
const records = fixture as unknown as Record<string, Node[]>;
const session = {
  vendor: 'jobber',
  portalUrl: 'https://secure.jobber.test',
  cookies: [],
  headers: { 'x-csrf-token': 'csrf-1', 'x-jobber-graphql-version': '2025-04-16' },
} as unknown as CapturedSession;
const ctx: SyncContext = {
  tenantId: 't1',
  connectionId: 'c1',
  vendor: 'jobber',
  session,
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  now: () => new Date('2026-03-02T18:00:00Z'),
};
const stream = (name: string): StreamReader => {
  const found = jobberReadSide.streams.find((s) => s.stream === name);
  if (!found) throw new Error(name);
  return found;
};
const page = (root: string, nodes: unknown[], hasNextPage: boolean, endCursor: string | null) =>
  new Response(JSON.stringify({ data: { [root]: { nodes, pageInfo: { hasNextPage, endCursor } } } }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
const client = (n: number, updatedAt: string): Node => ({
  ...records['customer']?.[0],
  id: Buffer.from(`gid://Jobber/Client/${n}`).toString('base64'),
  updatedAt,
  clientProperties: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
});
function script(...responses: Response[]) {
  const mock = jest.spyOn(globalThis, 'fetch');
  for (const r of responses) mock.mockResolvedValueOnce(r);
  return () =>
    mock.mock.calls.map(
      ([, init]) => (JSON.parse((init as RequestInit).body as string) as { variables: Node }).variables,
    );
}
const checkpointOf = (p: ReadPage) => parseJobberCheckpoint('test', p.checkpoint);

describe('Jobber stream readers', () => {
  afterEach(() => jest.restoreAllMocks());

  it('declare their streams, entities and no delete signal', () => {
    expect(jobberReadSide.vendor).toBe('jobber');
    expect(jobberReadSide.streams.map((s) => [s.stream, s.entities])).toEqual([
      ['clients', ['customer', 'location']],
      ['properties', ['location']],
      ['jobs', ['job', 'appointment']],
      ['invoices', ['invoice']],
      ['quotes', ['estimate']],
      ['users', ['technician']],
      ['payment-records', ['payment']],
      ['products-and-services', ['pricebook_item']],
      ['requests', ['lead']],
    ]);
    expect(jobberReadSide.streams.every((s) => !s.signalsDeletes)).toBe(true);
  });

  it('sorted by updatedAt: resumes after the cursor, then keeps it and tightens the filter when caught up', async () => {
    const sent = script(
      page('clients', [client(1, '2026-03-02T10:00:00-06:00')], true, 'c1'),
      page('clients', [client(2, '2026-03-02T10:00:05-06:00')], false, 'c2'),
      page('clients', [], false, null),
    );
    const reader = stream('clients');
    const first = await reader.readPage(ctx, null);
    expect(first).toMatchObject({ caughtUp: false });
    expect(checkpointOf(first)).toEqual({ updatedAfter: null, cursor: 'c1' });
    const second = await reader.readPage(ctx, first.checkpoint);
    expect(second.caughtUp).toBe(true);
    expect(checkpointOf(second)).toEqual({ updatedAfter: '2026-03-02T16:00:04Z', cursor: 'c2' });
    const third = await reader.readPage(ctx, second.checkpoint);
    expect(third).toMatchObject({ records: [], caughtUp: true });
    expect(checkpointOf(third)).toEqual(checkpointOf(second));
    expect(sent()).toEqual([
      { first: 29, after: null, filter: null },
      { first: 29, after: 'c1', filter: null },
      { first: 29, after: 'c2', filter: { updatedAt: { after: '2026-03-02T16:00:04Z' } } },
    ]);
  });

  it("a pass from the start reports the root connection's totalCount (the backfill's ETA); later pages do not", async () => {
    const counted = (nodes: unknown[], more: boolean, cursor: string | null, totalCount: number) =>
      new Response(
        JSON.stringify({
          data: { clients: { nodes, pageInfo: { hasNextPage: more, endCursor: cursor }, totalCount } },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    script(
      counted([client(1, '2026-03-02T10:00:00-06:00')], true, 'c1', 57),
      counted([client(2, '2026-03-02T10:00:05-06:00')], false, 'c2', 57),
    );
    const first = await stream('clients').readPage(ctx, null);
    expect(first.total).toBe(57);
    const second = await stream('clients').readPage(ctx, first.checkpoint);
    expect(second.total).toBeUndefined();
    const query = (
      JSON.parse((jest.mocked(fetch).mock.calls[0]?.[1] as RequestInit).body as string) as {
        query: string;
      }
    ).query;
    expect(query).toMatch(
      /clients\([^)]*\) \{ nodes \{[^]*\} pageInfo \{ hasNextPage endCursor \} totalCount \}/,
    );
  });

  it('a cursor Jobber refuses is dropped for the updatedAt bound', async () => {
    const refused = new Response(
      JSON.stringify({ errors: [{ message: 'Invalid cursor', extensions: { code: 'INVALID_CURSOR' } }] }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
    const sent = script(refused, page('clients', [], false, null));
    const from = JSON.stringify({ updatedAfter: '2026-03-02T16:00:04Z', cursor: 'stale' });
    await expect(stream('clients').readPage(ctx, from)).resolves.toMatchObject({ caughtUp: true });
    expect(sent().map((v) => v['after'])).toEqual(['stale', null]);
  });

  it('filtered in id order: the next pass re-reads the overlap window and skips versions already returned', async () => {
    const quote = (n: number, updatedAt: string): Node => ({
      ...records['estimate']?.[0],
      id: `q${n}`,
      updatedAt,
    });
    script(
      page(
        'quotes',
        [quote(1, '2026-03-02T10:00:00-06:00'), quote(2, '2026-03-02T11:00:00-06:00')],
        false,
        'x',
      ),
      page(
        'quotes',
        [quote(2, '2026-03-02T11:00:00-06:00'), quote(3, '2026-03-02T11:00:00-06:00')],
        false,
        'y',
      ),
    );
    const reader = stream('quotes');
    const first = await reader.readPage(ctx, null);
    expect(first.records.map((r) => r.externalId)).toEqual(['q1', 'q2']);
    const windowStart = new Date(
      Date.parse('2026-03-02T17:00:00Z') - JOBBER_UNSORTED_OVERLAP_MS,
    ).toISOString();
    expect(checkpointOf(first)).toEqual({
      updatedAfter: windowStart.replace('.000Z', 'Z'),
      cursor: null,
      newest: '2026-03-02T11:00:00-06:00',
      seen: { q2: expect.stringMatching(/^2026-03-02T11:00:00-06:00#[\w-]{16}$/) as unknown },
    });
    const second = await reader.readPage(ctx, first.checkpoint);
    expect(second.records.map((r) => r.externalId)).toEqual(['q3']);
    // A change within the same second (same updatedAt, other content) is a new version.
    const changed = { ...quote(3, '2026-03-02T11:00:00-06:00'), title: 'Retitled' };
    script(page('quotes', [quote(2, '2026-03-02T11:00:00-06:00'), changed], false, 'z'));
    const third = await reader.readPage(ctx, second.checkpoint);
    expect(third.records).toEqual([expect.objectContaining({ externalId: 'q3', raw: changed })]);
  });

  it("fetches the rest of a job's visits and merges them, yielding the job and every visit", async () => {
    const job = records['job']?.[2] as Node;
    const visit = records['appointment']?.[1] as Node;
    const second = { ...visit, id: 'visit-2' };
    const jobNode = { ...job, visits: { nodes: [visit], pageInfo: { hasNextPage: true, endCursor: 'v1' } } };
    const rest = new Response(
      JSON.stringify({
        data: { job: { visits: { nodes: [second], pageInfo: { hasNextPage: false, endCursor: 'v2' } } } },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
    const sent = script(page('jobs', [jobNode], false, 'j1'), rest);
    const read = await stream('jobs').readPage(ctx, null);
    expect(read.records.map((r) => [r.kind, r.entity, r.externalId])).toEqual([
      ['record', 'job', job['id']],
      ['record', 'appointment', visit['id']],
      ['record', 'appointment', 'visit-2'],
    ]);
    expect(sent()[1]).toEqual({ id: job['id'], first: expect.any(Number) as unknown, after: 'v1' });
    const mapped = jobberReadSide.mapper.toCanonical(
      read.records[0] as Extract<(typeof read.records)[number], { kind: 'record' }>,
      { tenantId: 't1', connectionId: 'c1' },
    );
    expect(mapped).toMatchObject({ technicianIds: [expect.stringMatching(/^tech_/) as unknown] });
  });

  it("fetches the rest of a client's tags and merges them into the customer it yields", async () => {
    const tagged: Node = {
      ...client(7, '2026-03-02T10:00:00-06:00'),
      tags: { nodes: [{ label: 'VIP' }], pageInfo: { hasNextPage: true, endCursor: 't1' } },
    };
    const rest = new Response(
      JSON.stringify({
        data: {
          client: { tags: { nodes: [{ label: 'Pool' }], pageInfo: { hasNextPage: false, endCursor: 't2' } } },
        },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
    const sent = script(page('clients', [tagged], false, 'c1'), rest);
    const read = await stream('clients').readPage(ctx, null);
    expect(sent()[1]).toEqual({ id: tagged['id'], first: expect.any(Number) as unknown, after: 't1' });
    const [customer] = read.records;
    expect(customer).toMatchObject({ kind: 'record', entity: 'customer', externalId: tagged['id'] });
    const mapped = jobberReadSide.mapper.toCanonical(
      customer as Extract<(typeof read.records)[number], { kind: 'record' }>,
      { tenantId: 't1', connectionId: 'c1' },
    );
    expect(mapped).toMatchObject({ tags: ['VIP', 'Pool'] });
  });

  it('a node that no longer fits its wire schema is drift with its issues, keeping its id', () => {
    const { balance, ...rest } = records['customer']?.[0] as Node;
    const renamed = { ...rest, accountBalance: balance };
    expect(validatedRecord('customer', jobberClientSchema, renamed)).toEqual({
      kind: 'drift',
      entity: 'customer',
      externalId: rest['id'],
      raw: renamed,
      issues: [
        expect.objectContaining({ path: 'balance', code: 'invalid_type' }),
        expect.objectContaining({ path: '', code: 'unrecognized_keys' }),
      ],
    });
    expect(validatedRecord('customer', jobberClientSchema, 'junk')).toMatchObject({
      kind: 'drift',
      externalId: null,
    });
  });

  it('a bad checkpoint is an error naming the field', () => {
    expect(() => parseJobberCheckpoint('clients', '{"updatedAfter":"yesterday","cursor":null}')).toThrow(
      /clients checkpoint: updatedAfter/,
    );
    expect(() => parseJobberCheckpoint('clients', 'nope')).toThrow(/not JSON/);
  });
});
