import * as cheerio from 'cheerio';
import type { FastifyInstance } from 'fastify';
import * as OTPAuth from 'otpauth';
import type { TestUserSpec } from '../../../portal/portal.types';

/* Tests and benchmarks: a TOM portal in-process (Fastify inject), signed in through its own forms. */

export const cookieOf = (setCookie: string | string[] | undefined, name: string): string | undefined => {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`))?.split(';')[0];
};

export const antiForgeryToken = (html: string): string =>
  cheerio.load(html)('input[name="__RequestVerificationToken"]').attr('value') ?? '';

export interface TomSignIn {
  /** `tom_session=…` */
  readonly session: string;
  /** `tom_remember=…` when "Keep Me Logged In" was ticked. */
  readonly remember?: string;
}

/**
 * Signs `user` in through TOM's steps: the form with its anti-forgery token, then for a user with a
 * second factor the TOTP of its secret or the emailed code from the sandbox outbox. Throws with the
 * status when a step is refused (the licence page answers 403).
 */
export async function signInTomFull(
  app: FastifyInstance,
  user: TestUserSpec,
  options: { remember?: boolean; at?: number } = {},
): Promise<TomSignIn> {
  const page = await app.inject({ method: 'GET', url: '/Account/Login' });
  const pre = cookieOf(page.headers['set-cookie'], 'tom_pre') ?? '';
  const login = await app.inject({
    method: 'POST',
    url: '/Account/Login',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      __RequestVerificationToken: antiForgeryToken(page.body),
      UserName: user.username,
      Password: user.password,
      ...(options.remember ? { RememberMe: 'true' } : {}),
    }).toString(),
  });
  if (login.statusCode !== 303) throw new Error(`login of ${user.username} answered ${login.statusCode}`);
  if (user.mfa === 'none') {
    const session = cookieOf(login.headers['set-cookie'], 'tom_session');
    if (!session) throw new Error(`no session cookie for ${user.username}`);
    return { session, remember: cookieOf(login.headers['set-cookie'], 'tom_remember') };
  }
  const verifyCookie = cookieOf(login.headers['set-cookie'], 'tom_verify') ?? '';
  const cookie = `${pre}; ${verifyCookie}`;
  const verifyPage = await app.inject({ method: 'GET', url: '/Account/Verify', headers: { cookie } });
  let code: string;
  if (user.mfa === 'totp') {
    code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(user.totpSecret ?? '') }).generate({
      timestamp: options.at ?? Date.now(),
    });
  } else {
    const outbox = (
      await app.inject({ method: 'GET', url: `/__sandbox/outbox?to=${encodeURIComponent(user.email ?? '')}` })
    ).json<{ messages: { code: string }[] }>();
    code = outbox.messages[outbox.messages.length - 1]?.code ?? '';
  }
  const verify = await app.inject({
    method: 'POST',
    url: '/Account/Verify',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      __RequestVerificationToken: antiForgeryToken(verifyPage.body),
      Code: code,
    }).toString(),
  });
  const session = cookieOf(verify.headers['set-cookie'], 'tom_session');
  if (verify.statusCode !== 303 || !session)
    throw new Error(`verification of ${user.username} answered ${verify.statusCode}`);
  return { session, remember: cookieOf(verify.headers['set-cookie'], 'tom_remember') };
}

/** The session cookie of `user` signed in through TOM's steps. */
export async function signInTom(app: FastifyInstance, user: TestUserSpec): Promise<string> {
  return (await signInTomFull(app, user)).session;
}
