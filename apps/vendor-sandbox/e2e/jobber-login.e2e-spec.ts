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
 * Jobber's portal login through a real Chromium against the real sandbox process: an SMS code on an
 * unrecognised device only, and the inactivity logout (3 s here instead of 12 h).
 */

jest.setTimeout(60_000);

const IDLE_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Jobber portal login (Chromium)', () => {
  let sandbox: RunningSandbox;
  let jobber: PortalHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([
      startSandbox({ SANDBOX_SESSION_TIMEOUTS: `jobber.idle=${IDLE_MS}ms` }),
      launchChromium(),
    ]);
    jobber = sandbox.portal('jobber');
  });

  beforeEach(async () => {
    await jobber.control('POST', 'reset');
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

  async function logIn(target: Page, email: string, password: string): Promise<void> {
    await target.goto(`${jobber.url}/login`);
    await target.fill('#user_email', email);
    await target.fill('#user_password', password);
    await target.click('#sign-in');
  }

  it('asks for an SMS code on the first login only: the device cookie is remembered', async () => {
    await logIn(page, 'owner@greenleaf-hvac.example', 'Sandbox!Owner1');
    expect(new URL(page.url()).pathname).toBe('/login/verify');
    const [message] = await outboxTo(jobber, '+15555550201');
    await page.fill('#verification_code', message?.code ?? '');
    await page.click('#verify');
    expect(new URL(page.url()).pathname).toBe('/home');
    expect(await page.textContent('#signed-in-as')).toContain('Olive Owner');

    await page.click('#logout');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await page.request.get(`${jobber.url}/api/whoami`)).status()).toBe(401);

    await logIn(page, 'owner@greenleaf-hvac.example', 'Sandbox!Owner1');
    expect(new URL(page.url()).pathname).toBe('/home');
    expect(await outboxTo(jobber, '+15555550201')).toHaveLength(1);
    const logins = await jobber.control<LoginsReport>('GET', 'logins');
    expect(logins.users['owner@greenleaf-hvac.example']).toMatchObject({
      attempts: 2,
      successes: 2,
      mfaPrompts: 1,
    });

    // A browser without the device cookie is asked again.
    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await logIn(other, 'owner@greenleaf-hvac.example', 'Sandbox!Owner1');
    expect(new URL(other.url()).pathname).toBe('/login/verify');
    await fresh.close();
  });

  it('sends a browser opening the root to the login page, and once logged in to the home page', async () => {
    await page.goto(`${jobber.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.isVisible('#new_user')).toBe(true);

    await page.fill('#user_email', 'office@greenleaf-hvac.example');
    await page.fill('#user_password', 'Sandbox!Office1');
    await page.click('#sign-in');
    await page.waitForURL(`${jobber.url}/home`);
    await page.waitForLoadState('load');
    expect(await page.textContent('#signed-in-as')).toContain('Oscar Office');

    // Opening the root again, logged in: the home page a login lands on.
    await page.goto(`${jobber.url}/`);
    expect(new URL(page.url()).pathname).toBe('/home');
    expect(await page.textContent('#signed-in-as')).toContain('Oscar Office');
  });

  it('logs out after the idle timeout, while activity keeps the session alive', async () => {
    await logIn(page, 'office@greenleaf-hvac.example', 'Sandbox!Office1');
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
