import { killSpawnedServices } from '@fieldsync/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  launchChromium,
  outboxTo,
  startSandbox,
  totpCode,
  userOf,
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
} from './sandbox.fixture';

/*
 * ServiceTitan's portal login through a real Chromium against the real sandbox process:
 * password + TOTP, password + SMS (code from the outbox), lockout, session expiry, SSO through
 * the IdP page, the changed login page, CSRF.
 */

jest.setTimeout(60_000);

describe('ServiceTitan portal login (Chromium)', () => {
  let sandbox: RunningSandbox;
  let st: PortalHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([startSandbox(), launchChromium()]);
    st = sandbox.portal('servicetitan');
  });

  beforeEach(async () => {
    await st.control('POST', 'reset');
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

  async function submitPassword(username: string, password: string): Promise<void> {
    await page.goto(`${st.url}/login`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#sign-in');
  }

  it('signs in with password then TOTP (a wrong code first is refused)', async () => {
    const admin = await userOf(st, 'st.admin');
    await submitPassword('st.admin', 'Sandbox!Admin1');
    expect(new URL(page.url()).pathname).toBe('/login/mfa');
    expect(await page.getAttribute('#mfa-prompt', 'data-method')).toBe('totp');

    await page.fill('#code', totpCode(admin.totpSecret ?? '', -10 * 60_000));
    await page.click('#verify');
    expect(await page.textContent('[role=alert]')).toContain('not valid');

    await page.fill('#code', totpCode(admin.totpSecret ?? ''));
    await page.click('#verify');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('#signed-in-as')).toContain('Avery Admin');

    const whoami = await page.request.get(`${st.url}/api/whoami`);
    expect(whoami.status()).toBe(200);
    expect(await whoami.json()).toMatchObject({ vendor: 'servicetitan', user: { username: 'st.admin' } });

    const logins = await st.control<LoginsReport>('GET', 'logins');
    expect(logins.users['st.admin']).toEqual({
      attempts: 1,
      successes: 1,
      failures: 1,
      mfaPrompts: 1,
      lockouts: 0,
    });
  });

  it('signs in with password then an SMS code read from the outbox', async () => {
    await submitPassword('st.dispatch', 'Sandbox!Dispatch1');
    expect(await page.getAttribute('#mfa-prompt', 'data-method')).toBe('sms');
    const messages = await outboxTo(st, '+15555550101');
    expect(messages).toHaveLength(1);
    const code = messages[0]?.code ?? '';
    expect(code).toMatch(/^\d{6}$/);
    expect(messages[0]?.body).toContain(code);

    await page.fill('#code', code);
    await page.click('#verify');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('#signed-in-as')).toContain('Dana Dispatch');

    // The code was single use: a second browser that reaches the MFA step cannot reuse it.
    const other = await browser.newContext();
    const second = await other.newPage();
    await second.goto(`${st.url}/login`);
    await second.fill('#username', 'st.dispatch');
    await second.fill('#password', 'Sandbox!Dispatch1');
    await second.click('#sign-in');
    await second.fill('#code', code);
    await second.click('#verify');
    expect(new URL(second.url()).pathname).toBe('/login/mfa');
    expect(await second.textContent('[role=alert]')).toContain('not valid');
    await other.close();
  });

  it('locks the account after 5 wrong passwords and then refuses the right one', async () => {
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await submitPassword('st.csr', `wrong-${attempt}`);
      expect(await page.textContent('[role=alert]')).toContain('Invalid username or password');
    }
    await submitPassword('st.csr', 'wrong-5');
    expect(await page.isVisible('#account-locked')).toBe(true);

    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/login') && r.request().method() === 'POST',
    );
    await submitPassword('st.csr', 'Sandbox!Csr1');
    expect((await refused).status()).toBe(423);
    expect(await page.isVisible('#account-locked')).toBe(true);
    expect(new URL(page.url()).pathname).not.toBe('/login/mfa');

    const logins = await st.control<LoginsReport>('GET', 'logins');
    expect(logins.locked).toEqual(['st.csr']);
    expect(logins.users['st.csr']).toMatchObject({ attempts: 6, failures: 6, lockouts: 1, successes: 0 });
    expect((await userOf(st, 'st.csr')).locked).toBe(true);

    // The control API's reset unlocks it.
    await st.control('POST', 'reset');
    await submitPassword('st.csr', 'Sandbox!Csr1');
    expect(new URL(page.url()).pathname).toBe('/login/mfa');
  });

  it('sends a browser opening the root to the sign-in page, and once signed in to the dashboard', async () => {
    await page.goto(`${st.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.isVisible('#login-form')).toBe(true);

    const admin = await userOf(st, 'st.admin');
    await page.fill('#username', 'st.admin');
    await page.fill('#password', 'Sandbox!Admin1');
    await page.click('#sign-in');
    await page.fill('#code', totpCode(admin.totpSecret ?? ''));
    await page.click('#verify');
    await page.waitForURL(`${st.url}/`);
    await page.waitForLoadState('load');

    // Opening the root again, signed in: the dashboard the sign-in landed on.
    await page.goto(`${st.url}/`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('#signed-in-as')).toContain('Avery Admin');
  });

  it('sends the next page load to the login page once the session is expired', async () => {
    const admin = await userOf(st, 'st.admin');
    await submitPassword('st.admin', 'Sandbox!Admin1');
    await page.fill('#code', totpCode(admin.totpSecret ?? ''));
    await page.click('#verify');
    // Let the sign-in's navigation finish before the next one (a reload during it detaches the page).
    await page.waitForURL(`${st.url}/`);
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname).toBe('/');

    expect(await st.control('POST', 'sessions/expire', { user: 'st.admin' })).toEqual({ expired: 1 });
    // The next page load of the signed-in home page.
    await page.goto(`${st.url}/`);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/login');
    expect(url.searchParams.get('next')).toBe('/');
    expect((await page.request.get(`${st.url}/api/whoami`)).status()).toBe(401);
  });

  it('signs the SSO user in through the identity provider page, and refuses a forged assertion', async () => {
    await page.goto(`${st.url}/login`);
    await page.fill('#username', 'st.sso');
    await page.click('#sign-in');
    expect(new URL(page.url()).pathname).toBe('/idp/authorize');
    expect(await page.title()).toContain('Contoso Identity');

    await page.fill('#idp-email', 'sam@northwind-hvac.example');
    await page.fill('#idp-password', 'Sandbox!Sso1');
    await page.click('#idp-submit');
    await page.waitForURL(`${st.url}/`);
    expect(await page.textContent('#signed-in-as')).toContain('Sam Single-Sign-On');

    const forgedPayload = Buffer.from(
      JSON.stringify({ aud: 'servicetitan-sandbox', sub: 'st-admin', state: 'x', exp: Date.now() + 60_000 }),
    ).toString('base64url');
    const forged = await page.request.post(`${st.url}/sso/callback`, {
      form: { assertion: forgedPayload, signature: 'AAAA' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
  });

  it('serves the changed login page when that fault is on, and logs in through its new fields', async () => {
    await st.control('POST', 'faults', { loginPage: 'changed' });
    await page.goto(`${st.url}/login`);
    expect(await page.locator('#username').count()).toBe(0);
    expect(await page.textContent('label[for=login-name]')).toBe('Username or email');

    const admin = await userOf(st, 'st.admin');
    await page.fill('#login-name', 'st.admin');
    await page.fill('#login-passcode', 'Sandbox!Admin1');
    await page.click('#continue');
    await page.fill('#code', totpCode(admin.totpSecret ?? ''));
    await page.click('#verify');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('refuses a login form posted without its CSRF token or with another browser’s', async () => {
    await page.goto(`${st.url}/login`);
    const missing = await page.request.post(`${st.url}/login`, {
      form: { username: 'st.admin', password: 'Sandbox!Admin1' },
    });
    expect(missing.status()).toBe(403);

    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(`${st.url}/login`);
    const foreignToken = await otherPage.getAttribute('input[name=__RequestVerificationToken]', 'value');
    await other.close();
    const foreign = await page.request.post(`${st.url}/login`, {
      form: {
        __RequestVerificationToken: foreignToken ?? '',
        username: 'st.admin',
        password: 'Sandbox!Admin1',
      },
    });
    expect(foreign.status()).toBe(403);
    expect((await st.control<LoginsReport>('GET', 'logins')).total.attempts).toBe(0);
  });
});
