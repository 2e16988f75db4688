import { killSpawnedServices } from '@fieldsync/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  launchChromium,
  outboxTo,
  startSandbox,
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
} from './sandbox.fixture';

/*
 * Housecall Pro's pro web app login through a real Chromium against the real sandbox process: an SMS code
 * on EVERY sign-in (the same browser is asked again), the data API behind the session, the lockout after
 * 5 failures, and the inactivity logout (3 s here instead of 1 h).
 */

jest.setTimeout(60_000);

const IDLE_MS = 3_000;
const OWNER = {
  email: 'owner@brightside-plumbing.example',
  password: 'Sandbox!Owner1',
  phone: '+15555550401',
};
const OFFICE = { email: 'office@brightside-plumbing.example', password: 'Sandbox!Office1' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Housecall Pro portal login (Chromium)', () => {
  let sandbox: RunningSandbox;
  let hcp: PortalHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([
      startSandbox({ SANDBOX_SESSION_TIMEOUTS: `housecallpro.idle=${IDLE_MS}ms` }),
      launchChromium(),
    ]);
    hcp = sandbox.portal('housecallpro');
  });

  beforeEach(async () => {
    await hcp.control('POST', 'reset');
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  async function signIn(target: Page, email: string, password: string): Promise<void> {
    await target.goto(`${hcp.url}/login`);
    await target.fill('#email', email);
    await target.fill('#password', password);
    await target.click('#sign-in-button');
  }

  async function enterCode(target: Page, code: string): Promise<void> {
    await target.fill('#code', code);
    await target.click('#verify-button');
  }

  it('asks for a new SMS code on every sign-in, in the same browser too', async () => {
    for (let round = 1; round <= 2; round += 1) {
      await signIn(page, OWNER.email, OWNER.password);
      expect(new URL(page.url()).pathname).toBe('/login/two_factor');
      const messages = await outboxTo(hcp, OWNER.phone);
      expect(messages).toHaveLength(round);
      await enterCode(page, messages[round - 1]?.code ?? '');
      expect(new URL(page.url()).pathname).toBe('/home');
      expect(await page.textContent('#signed-in-as')).toContain('Hana Owner');
      const jobs = await page.request.get(`${hcp.url}/jobs?page_size=2`);
      expect(jobs.status()).toBe(200);
      expect((await jobs.json()) as { jobs: unknown[] }).toMatchObject({ page: 1, page_size: 2 });
      await page.click('#logout');
      expect(new URL(page.url()).pathname).toBe('/login');
      const after = await page.request.get(`${hcp.url}/jobs`);
      expect([after.status(), await after.json()]).toEqual([401, { message: 'Unauthorized' }]);
    }
    const logins = await hcp.control<LoginsReport>('GET', 'logins');
    expect(logins.users[OWNER.email]).toMatchObject({ attempts: 2, successes: 2, mfaPrompts: 2 });
  });

  it('refuses a wrong code, and locks the account after 5 failures', async () => {
    await signIn(page, OWNER.email, OWNER.password);
    const [message] = await outboxTo(hcp, OWNER.phone);
    const wrong = message?.code === '000000' ? '111111' : '000000';
    await enterCode(page, wrong);
    expect(await page.textContent('[role=alert]')).toContain('That code is incorrect.');
    for (let i = 0; i < 3; i += 1) await signIn(page, OWNER.email, 'not-the-password');
    expect(await page.textContent('[role=alert]')).toContain('Invalid email or password.');
    await signIn(page, OWNER.email, 'not-the-password');
    expect(await page.textContent('[role=alert]')).toContain('locked');
    await signIn(page, OWNER.email, OWNER.password);
    expect(await page.textContent('[role=alert]')).toContain('locked');
    expect(await outboxTo(hcp, OWNER.phone)).toHaveLength(1);
  });

  it('logs out after the idle timeout, while activity keeps the session alive', async () => {
    await signIn(page, OFFICE.email, OFFICE.password);
    expect(new URL(page.url()).pathname).toBe('/home');
    for (let i = 0; i < 2; i += 1) {
      await sleep(IDLE_MS * 0.6);
      await page.reload();
      expect(new URL(page.url()).pathname).toBe('/home');
    }
    await sleep(IDLE_MS + 500);
    await page.reload();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/login');
    expect(url.searchParams.get('next')).toBe('/home');
    expect(sandbox.service.output()).toContain('"reason":"idle"');
  });
});
