import { createSecretKey } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateSecret, secretKey, secretProblem } from '@fieldsync/canonical-model';
import { signatureHeader } from './signature.util';

describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({
    specversion: '1.0',
    id: 'evt_1',
    type: 'job.created',
    data: { total: 1403.0 },
  });

  it('generates whsec_ secrets of 24 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(secretKey(secret)).toHaveLength(24);
    expect(generateSecret()).not.toBe(secret);
  });

  it('signs so that the official standardwebhooks package verifies, with every valid secret', () => {
    const current = generateSecret();
    const previous = generateSecret(64);
    const now = new Date();
    const ts = Math.floor(now.getTime() / 1_000);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signatureHeader(
        [createSecretKey(secretKey(current)), createSecretKey(secretKey(previous))],
        'msg_1',
        ts,
        body,
      ),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature'].split(' ')[0]).toBe(new Webhook(current).sign('msg_1', now, body));
  });

  it('fails verification for a tampered body, another id, an old timestamp or another secret', () => {
    const secret = generateSecret();
    const ts = Math.floor(Date.now() / 1_000);
    const sign = (t: number) => signatureHeader([createSecretKey(secretKey(secret))], 'msg_1', t, body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': sign(ts) };
    const wh = new Webhook(secret);
    expect(() => wh.verify(body.replace('1403', '1404'), headers)).toThrow(/No matching signature/);
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(/No matching signature/);
    const old = ts - 6 * 60;
    expect(() =>
      wh.verify(body, { ...headers, 'webhook-timestamp': String(old), 'webhook-signature': sign(old) }),
    ).toThrow(/too old/);
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(/No matching signature/);
  });

  it('names what is wrong with a secret without echoing it', () => {
    expect(secretProblem('whsec_' + Buffer.alloc(24).toString('base64'))).toBeUndefined();
    expect(secretProblem('sk_live_abc')).toBe('must start with whsec_');
    expect(secretProblem('whsec_' + Buffer.alloc(8).toString('base64'))).toBe(
      'must encode 24 to 64 bytes (got 8)',
    );
    expect(secretProblem('whsec_not base64!')).toMatch(/base64/);
  });
});
