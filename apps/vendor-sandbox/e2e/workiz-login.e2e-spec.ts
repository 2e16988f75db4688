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
 * Workiz's portal login through a real Chromium against the real sandbox process: without a second
 * factor, with an SMS code, with an email code; the lockout after 5 failures; CSRF; the inactivity
 * logout (3 s here instead of 2 h); and the Developer API reached from the signed-in browser.
 */

jest.setTimeout(60_000);

const IDLE_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Workiz portal login (Chromium)', () => {
  let sandbox: RunningSandbox;
  let workiz: PortalHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([
      startSandbox({ SANDBOX_SESSION_TIMEOUTS: `workiz.idle=${IDLE_MS}ms` }),
      launchChromium(),
    ]);
    workiz = sandbox.portal('workiz');
  });

  beforeEach(async () => {
    await workiz.control('POST', 'reset');
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
    await target.goto(`${workiz.url}/login`);
    await target.fill('#login-email', email);
    await target.fill('#login-password', password);
    await target.click('#login-submit');
  }

  it('signs in without a second factor, and the signed-in browser reaches the Developer API', async () => {
    await logIn(page, 'admin@workiz.sandbox.example', 'Sandbox!Admin1');
    expect(new URL(page.url()).pathname).toBe('/home');
    expect(await page.textContent('#signed-in-as')).toContain('Ada Admin');
    const integrations = (await (
      await page.request.get(`${workiz.url}/ajaxc/account/integrations/`)
    ).json()) as { developer_api: { api_token: string } };
    const token = integrations.developer_api.api_token;
    const jobs = await page.request.get(`${workiz.url}/api/v1/${token}/job/all/?records=5`);
    expect(jobs.status()).toBe(200);
    const body = (await jobs.json()) as { flag: boolean; has_more: unknown };
    expect([body.flag, typeof body.has_more]).toEqual([true, 'boolean']);
    expect((await workiz.control<{ messages: unknown[] }>('GET', 'outbox')).messages).toEqual([]);
  });

  it.each([
    ['SMS', 'owner@workiz.sandbox.example', 'Sandbox!Owner1', '+15555550301', 'Owen Owner'],
    [
      'email',
      'office@workiz.sandbox.example',
      'Sandbox!Office1',
      'office@workiz.sandbox.example',
      'Olga Office',
    ],
  ])('asks for the %s code the portal sent, then lands home', async (_kind, email, password, to, name) => {
    await logIn(page, email, password);
    expect(new URL(page.url()).pathname).toBe('/login/2fa');
    await page.fill('#two-factor-code', '000000');
    await page.click('#two-factor-submit');
    expect(await page.textContent('[role="alert"]')).toContain('Invalid code');
    const [message] = await outboxTo(workiz, to);
    expect(message?.code).toMatch(/^\d{6}$/);
    await page.fill('#two-factor-code', message?.code ?? '');
    await page.click('#two-factor-submit');
    expect(new URL(page.url()).pathname).toBe('/home');
    expect(await page.textContent('#signed-in-as')).toContain(name);
    const logins = await workiz.control<LoginsReport>('GET', 'logins');
    expect(logins.users[email]).toMatchObject({ attempts: 1, successes: 1, mfaPrompts: 1, failures: 1 });
  });

  it('locks the account after 5 wrong passwords, and refuses a form without its _token', async () => {
    for (let i = 0; i < 4; i++) {
      await logIn(page, 'admin@workiz.sandbox.example', 'wrong-password');
      expect(await page.textContent('[role="alert"]')).toContain('Wrong email or password');
    }
    await logIn(page, 'admin@workiz.sandbox.example', 'wrong-password');
    expect(await page.textContent('[role="alert"]')).toContain('locked');
    await logIn(page, 'admin@workiz.sandbox.example', 'Sandbox!Admin1');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await workiz.control<LoginsReport>('GET', 'logins')).locked).toEqual([
      'admin@workiz.sandbox.example',
    ]);

    const forged = await page.request.post(`${workiz.url}/login`, {
      form: { email: 'owner@workiz.sandbox.example', password: 'Sandbox!Owner1' },
    });
    expect(forged.status()).toBe(403);
  });

  it('logs out after the idle timeout, while activity keeps the session alive', async () => {
    await logIn(page, 'admin@workiz.sandbox.example', 'Sandbox!Admin1');
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
  });
});
