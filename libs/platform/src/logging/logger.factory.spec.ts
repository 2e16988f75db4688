import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pinoHttp from 'pino-http';
import { createLogger } from './logger.factory';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'trace', name: 'redaction-spec', destination: stream }) };
}

const SECRETS = {
  password: 'pw-Tr0ub4dor&3',
  mfaSecret: 'JBSWY3DPEHPK3PXP-mfa',
  totpSecret: 'KRSXG5CTMVRXEZLU-totp',
  mfaCode: '918273',
  otp: '564738',
  cookie: 'sid=cookie-s3ss10n-value',
  setCookie: 'st_session=set-cookie-value; HttpOnly',
  accessToken: 'eyJ-access-token-value',
  refreshToken: 'refresh-token-value-42',
  bearer: 'Bearer bearer-token-value',
  csrfToken: 'csrf-token-value-99',
  sessionToken: 'session-token-value-77',
  apiKey: 'fsk_live_api-key-value',
  cardNumber: '4242424242424242',
  cvv: '737',
  clientSecret: 'oauth-client-secret-value',
} as const;

describe('createLogger redaction', () => {
  it('redacts every kind of secret, at the top level and nested', () => {
    const { lines, logger } = capture();
    logger.info({ password: SECRETS.password, mfaCode: SECRETS.mfaCode, otp: SECRETS.otp }, 'top level');
    logger.info({ connection: { password: SECRETS.password, mfaSecret: SECRETS.mfaSecret } }, 'depth 1');
    logger.info({
      tenant: { connection: { totpSecret: SECRETS.totpSecret, clientSecret: SECRETS.clientSecret } },
    });
    logger.info({ a: { b: { c: { password: SECRETS.password, apiKey: SECRETS.apiKey } } } }, 'depth 3');
    logger.info(
      {
        req: {
          method: 'POST',
          headers: { authorization: SECRETS.bearer, cookie: SECRETS.cookie, 'x-api-key': SECRETS.apiKey },
        },
        res: { headers: { 'set-cookie': SECRETS.setCookie } },
      },
      'http',
    );
    logger.info({ headers: { Authorization: SECRETS.bearer, Cookie: SECRETS.cookie } }, 'outgoing request');
    logger.info(
      {
        session: {
          accessToken: SECRETS.accessToken,
          refresh_token: SECRETS.refreshToken,
          csrfToken: SECRETS.csrfToken,
          sessionToken: SECRETS.sessionToken,
        },
      },
      'session',
    );
    logger.info({ command: { payload: { cardNumber: SECRETS.cardNumber, cvv: SECRETS.cvv } } }, 'payment');
    logger.info({ users: [{ password: SECRETS.password }] }, 'array');
    logger.child({ connectionId: 'conn_1' }).warn({ login: { password: SECRETS.password } }, 'child');

    const output = lines.join('');
    expect(lines).toHaveLength(10);
    for (const [kind, value] of Object.entries(SECRETS)) {
      expect({ kind, leaked: output.includes(value) }).toEqual({ kind, leaked: false });
    }
    expect(output).toContain('[REDACTED]');
  });

  it('keeps ordinary fields, including error codes', () => {
    const { lines, logger } = capture();
    logger.error(
      { tenantId: 'ten_1', err: Object.assign(new Error('boom'), { code: 'ECONNREFUSED' }) },
      'failed',
    );
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ tenantId: 'ten_1', service: 'redaction-spec', msg: 'failed' });
    expect(line['err']).toMatchObject({ message: 'boom', code: 'ECONNREFUSED' });
  });

  it('redacts at any depth, inside errors and arrays, and strips credentials from URLs', () => {
    const { lines, logger } = capture();
    const deep = { l1: { l2: { l3: { l4: { l5: { l6: { mfaSecret: SECRETS.mfaSecret } } } } } } };
    const vendorError = Object.assign(new Error('vendor login failed'), {
      config: { headers: { Authorization: SECRETS.bearer, 'X-CSRF-Token': SECRETS.csrfToken } },
    });
    logger.info(deep, 'deep');
    logger.error({ err: vendorError }, 'error with request config');
    logger.info({ items: [[{ Set_Cookie: SECRETS.setCookie }]] }, 'nested arrays');
    logger.warn({ databaseUrl: `postgres://fieldsync:${SECRETS.password}@db:5432/fs` }, 'dsn');
    logger.child({ login: { password: SECRETS.password } }).info('child bindings');
    const grandchild = logger.child({ component: 'vault' }).child({ session: { cookie: SECRETS.cookie } });
    grandchild.setBindings({ mfaCode: SECRETS.mfaCode });
    grandchild.info('grandchild bindings');

    const output = lines.join('');
    for (const value of [
      SECRETS.mfaSecret,
      SECRETS.bearer,
      SECRETS.csrfToken,
      SECRETS.setCookie,
      SECRETS.password,
    ]) {
      expect(output).not.toContain(value);
    }
    const errorLine = JSON.parse(lines[1] ?? '{}') as { err?: { message?: string; stack?: string } };
    expect(errorLine.err?.message).toBe('vendor login failed');
    expect(errorLine.err?.stack).toContain('vendor login failed');
    expect(output).toContain('postgres://fieldsync:[REDACTED]@db:5432/fs');
  });

  it('never mutates the logged object and survives cycles', () => {
    const { lines, logger } = capture();
    const session: Record<string, unknown> = { accessToken: SECRETS.accessToken, user: { name: 'ann' } };
    session['self'] = session;
    logger.info({ session }, 'cyclic');
    expect(session['accessToken']).toBe(SECRETS.accessToken);
    expect(lines.join('')).not.toContain(SECRETS.accessToken);
  });

  it('redacts the credentials headers of HTTP request logs (pino-http, as nestjs-pino uses it)', async () => {
    const { lines, logger } = capture();
    const httpLogger = pinoHttp({ logger });
    const server = createServer((req, res) => {
      httpLogger(req, res);
      res.setHeader('set-cookie', SECRETS.setCookie);
      res.end('ok');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      await new Promise<void>((done, fail) => {
        const req = request(
          {
            port,
            host: '127.0.0.1',
            path: '/sessions',
            headers: { authorization: SECRETS.bearer, cookie: SECRETS.cookie, 'x-api-key': SECRETS.apiKey },
          },
          (res) => {
            res.resume();
            res.on('end', done);
          },
        );
        req.on('error', fail);
        req.end();
      });
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
    const output = lines.join('');
    expect(output).toContain('"url":"/sessions"');
    for (const value of [SECRETS.bearer, SECRETS.cookie, SECRETS.apiKey, SECRETS.setCookie]) {
      expect(output).not.toContain(value);
    }
  });
});
