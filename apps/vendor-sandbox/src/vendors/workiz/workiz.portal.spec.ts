import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { PortalServer } from '../../portal/portal-server';
import type { MfaMethod, TestUserSpec } from '../../portal/portal.types';
import { DEFAULT_PORTAL_PORTS } from '../../portal/vendor-ids.constants';
import { SandboxWorldHost } from '../../world-host/sandbox-world.host';
import { createWorkizPortal } from './workiz.portal';
import { WorkizSpecValidators } from './__fixtures__/workiz-openapi.fixture';
import { signInWorkiz } from './__fixtures__/workiz-session.fixture';
import { WORKIZ_MODELLED_OPERATIONS } from './__fixtures__/workiz-openapi.fixture';

/*
 * What must be true before Workiz's sandbox portal is done (DESIGN "Vendor sandbox"), laid out
 * by `npm run new:vendor`. Each test fails until it holds, saying what to fill in: the TODO constants
 * below (from Workiz's help pages and its published API, never copied from the code under test)
 * and the code they name. In-process through Fastify's inject, like the other portals' specs.
 */

const TODO = 'TODO';
type Todo = typeof TODO;

/** A value the implementer states: reading it before then fails the test, saying what to fill in. */
function filled<T>(value: T | Todo, what: string): T {
  if (value === TODO) throw new Error(`fill in ${what}`);
  return value;
}

// Workiz's 2FA (help.workiz.com): optional per user, a code by SMS or by email.
const VENDOR_MFA = ['sms', 'email'] as readonly Exclude<MfaMethod, 'none'>[] | Todo;

// Workiz's login steps: the form, then the SMS or email code from `GET /__sandbox/outbox`.
const SIGN_IN = signInWorkiz as ((app: FastifyInstance, user: TestUserSpec) => Promise<string>) | Todo;

// The operations of workiz-openapi.yml the data API serves (workiz-api.spec.ts validates each answer).
const MODELLED_OPERATIONS = WORKIZ_MODELLED_OPERATIONS as readonly string[] | Todo;

/** Workiz's published API description under shared/reference/openapi/, or null when it publishes none. */
const PUBLISHED_API: string | null = 'workiz/workiz-openapi.yml';

// The vendors' published API descriptions live in shared/ beside the checkout; FIELDSYNC_SHARED_DIR points elsewhere.
const SHARED_DIR = process.env['FIELDSYNC_SHARED_DIR'] ?? resolve(__dirname, '../../../../../../shared');

const portal = createWorkizPortal();
// One small world for the whole file: generation is deterministic and takes milliseconds at this size.
const world = new SandboxWorldHost({ seed: 1, size: 300, ratePerMinute: 2 });

describe('the Workiz sandbox portal', () => {
  let server: PortalServer;

  beforeAll(async () => {
    server = await PortalServer.create(portal, {
      logger: pino({ level: 'silent' }),
      lockoutDurationMs: 60_000,
      seed: 1,
      world,
    });
  });

  afterAll(() => server.close());

  it("listens on Workiz's own port under its own id", () => {
    expect([portal.id, portal.defaultPort]).toEqual(['workiz', DEFAULT_PORTAL_PORTS.workiz]);
  });

  it('serves its login page', async () => {
    const page = await server.app.inject({ method: 'GET', url: portal.login.path });
    if (page.statusCode !== 200) {
      throw new Error(
        `fill in workiz-login.flow.ts: GET ${portal.login.path} answered ${String(page.statusCode)}, not Workiz's login page`,
      );
    }
    expect(page.body).toContain('type="password"');
  });

  it('signs every test user in through the login steps', async () => {
    const signIn = filled(
      SIGN_IN,
      "SIGN_IN in workiz.portal.spec.ts: the steps of Workiz's login, from its page to the session cookie",
    );
    for (const user of portal.users) {
      const cookie = await signIn(server.app, user);
      const whoami = await server.app.inject({ method: 'GET', url: '/api/whoami', headers: { cookie } });
      expect([user.username, whoami.statusCode]).toEqual([user.username, 200]);
      expect(whoami.json<{ user: { username: string } }>().user.username).toBe(user.username);
    }
  });

  it('has a test user for every second factor Workiz offers', () => {
    const methods = filled(
      VENDOR_MFA,
      "VENDOR_MFA in workiz.portal.spec.ts: the second factors Workiz's login offers, from its help pages",
    );
    const offered = new Set(portal.users.map((u) => u.mfa));
    expect(methods.filter((method) => !offered.has(method))).toEqual([]);
  });

  it('serves a data API of the published operations', () => {
    const operations = filled(
      MODELLED_OPERATIONS,
      'MODELLED_OPERATIONS in workiz.portal.spec.ts: the operations of shared/reference/openapi/workiz/workiz-openapi.yml the data API serves',
    );
    if (operations.length === 0) throw new Error('fill in MODELLED_OPERATIONS: it lists no operation');
    if (!portal.mountData)
      throw new Error('fill in mountData in workiz.portal.ts: the data API behind the session');
    if (PUBLISHED_API === null) return;
    const file = join(SHARED_DIR, 'reference', 'openapi', PUBLISHED_API);
    if (!existsSync(file)) {
      throw new Error(
        `Workiz's API description not found at ${file} (set FIELDSYNC_SHARED_DIR to the shared/ folder)`,
      );
    }
    const published = readFileSync(file, 'utf8');
    expect(operations.filter((id) => !published.includes(`operationId: ${id}`))).toEqual([]);
  });

  it('answers every modelled operation as the published description says', async () => {
    // The validation of every answer, at three seeds and two sizes, is workiz-api.spec.ts; here every
    // modelled operation has a validator built from the published file.
    const validators = await WorkizSpecValidators.load();
    expect(WORKIZ_MODELLED_OPERATIONS.filter((id) => !validators.has(id))).toEqual([]);
  });

  it('renames the login form when the "changed login page" fault is on, refusing the old field names', async () => {
    await server.app.inject({ method: 'POST', url: '/__sandbox/faults', payload: { loginPage: 'changed' } });
    try {
      const page = await server.app.inject({ method: 'GET', url: portal.login.path });
      expect(page.body).toContain('name="user_email"');
      expect(page.body).not.toContain('name="email"');
      const user = portal.users.find((u) => u.mfa === 'none');
      if (!user) throw new Error('no Workiz user without 2FA');
      await expect(signInWorkiz(server.app, user)).rejects.toThrow('answered 401');
    } finally {
      await server.app.inject({ method: 'DELETE', url: '/__sandbox/faults' });
    }
    const user = portal.users.find((u) => u.mfa === 'none');
    if (user) expect(await signInWorkiz(server.app, user)).toMatch(/^workiz_session=/);
  });

  it('exports the ground truth of every resource its data API serves', () => {
    const { groundTruth } = portal;
    if (!groundTruth || groundTruth.entities.length === 0) {
      throw new Error(
        'fill in workiz.ground-truth.ts: the resources the data API serves, each rendered from the world as the API answers',
      );
    }
    for (const entity of groundTruth.entities) {
      expect([entity, groundTruth.export(world.world, entity).length > 0]).toEqual([entity, true]);
    }
  });
});
