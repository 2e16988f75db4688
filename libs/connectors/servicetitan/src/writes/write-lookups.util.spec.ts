import type { CapturedSession, WriteContext } from '@fieldsync/connector-kit';
import pino from 'pino';
import { tagTypeIdsOf } from './write-lookups.util';

/* Tag names → the tenant's tag type ids, with `fetch` replaced by the settings list. */

const session: CapturedSession = {
  vendor: 'servicetitan',
  portalUrl: 'http://st.sandbox.test',
  cookies: [],
  headers: {},
  user: { id: 'st-admin', name: 'Avery Admin', role: 'Admin', entitlements: [] },
  account: { id: '777', name: 'Tenant 777' },
  establishedAt: '2026-03-03T18:00:00Z',
  expiresAt: '2026-03-03T18:00:00Z',
  deviceCookies: [],
};
const ctx = {
  tenantId: 'tenant-1',
  connectionId: 'conn-st-1',
  vendor: 'servicetitan',
  session,
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  now: () => new Date('2026-03-03T18:00:00Z'),
  marker: 'fieldsync:000000000000000000000000',
  firstAttemptAt: new Date('2026-03-03T18:00:00Z'),
  resolve: () => Promise.reject(new Error('not resolved in this spec')),
  portal: () => Promise.reject(new Error('ServiceTitan writes use no portal page')),
} satisfies WriteContext;

const TAG_TYPES = [
  { id: 301, name: 'VIP', active: true },
  { id: 302, name: 'Warranty', active: false },
  { id: 303, name: 'Second visit', active: true },
];
let urls: URL[];

beforeEach(() => {
  urls = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation((input) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    return Promise.resolve(
      new Response(
        JSON.stringify({ page: 1, pageSize: 5000, hasMore: false, totalCount: null, data: TAG_TYPES }),
        {
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
  });
});
afterEach(() => jest.restoreAllMocks());

describe('tagTypeIdsOf', () => {
  it("resolves tag names to the tenant's active tag types, case-insensitively, in order", async () => {
    await expect(tagTypeIdsOf(ctx, ['second VISIT', 'vip'])).resolves.toEqual([303, 301]);
    expect(urls.map((u) => u.pathname)).toEqual(['/settings/v2/tenant/777/tag-types']);
  });

  it('refuses a tag the tenant has not set up, or has deactivated, naming it', async () => {
    await expect(tagTypeIdsOf(ctx, ['VIP', 'Platinum'])).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'payload.tags[1]' },
    });
    await expect(tagTypeIdsOf(ctx, ['Warranty'])).rejects.toMatchObject({
      details: { field: 'payload.tags[0]' },
    });
  });

  it('asks nothing when the command has no tags', async () => {
    await expect(tagTypeIdsOf(ctx, [])).resolves.toEqual([]);
    expect(urls).toEqual([]);
  });
});
