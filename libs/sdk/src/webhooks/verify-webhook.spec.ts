import { createSecretKey } from 'node:crypto';
import { generateSecret, secretKey } from '@fieldsync/canonical-model';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the SDK must verify what the dispatcher signs: its own signing code
import { signatureHeader } from '../../../../apps/webhook-dispatcher/src/delivery/signature.util';
import { WebhookVerificationError, verifyWebhook, type WebhookVerificationFailure } from './verify-webhook';

const BODY = JSON.stringify({
  specversion: '1.0',
  id: 'evt_01K9Z3V6XQ8D4M2R7T1B5C0NJH',
  type: 'job.status_changed',
  source: 'fieldsync/servicetitan/con_7f3a',
  subject: 'job_01K9Z3V6XQ8D4M2R7T1B5C0NJH',
  data: { object: { status: 'dispatched', total: 1403.0 }, previous: { status: 'scheduled' } },
});
const NOW = new Date('2026-12-07T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

/** A delivery exactly as the dispatcher's webhook client sends it. */
function delivery(secrets: string[], opts: { id?: string; timestamp?: number; body?: string } = {}) {
  const id = opts.id ?? 'msg_01K9Z3V6XQ8D4M2R7T1B5C0NJH';
  const timestamp = opts.timestamp ?? NOW_S;
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(
      secrets.map((s) => createSecretKey(secretKey(s))),
      id,
      timestamp,
      opts.body ?? BODY,
    ),
  };
}

function failure(run: () => unknown): WebhookVerificationFailure | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

describe('verifyWebhook against the dispatcher’s signatures', () => {
  const secret = generateSecret();

  it('accepts a delivery signed by the dispatcher and returns its id, timestamp and payload', () => {
    const verified = verifyWebhook<{ type: string }>(secret, delivery([secret]), BODY, { now: NOW });
    expect(verified).toEqual({
      id: 'msg_01K9Z3V6XQ8D4M2R7T1B5C0NJH',
      timestamp: NOW_S,
      payload: expect.objectContaining({ type: 'job.status_changed' }) as unknown,
    });
  });

  it('accepts fetch Headers, mixed-case names and a Buffer body', () => {
    const headers = new Headers(delivery([secret]));
    expect(verifyWebhook(secret, headers, Buffer.from(BODY), { now: NOW }).id).toMatch(/^msg_/);
    const upper = Object.fromEntries(
      Object.entries(delivery([secret])).map(([k, v]) => [k.toUpperCase(), v]),
    );
    expect(verifyWebhook(secret, upper, BODY, { now: NOW }).timestamp).toBe(NOW_S);
  });

  it('during a rotation verifies with either the old or the new secret', () => {
    const next = generateSecret(32);
    const headers = delivery([next, secret]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook(secret, headers, BODY, { now: NOW }).id).toBeDefined();
    expect(verifyWebhook(next, headers, BODY, { now: NOW }).id).toBeDefined();
  });

  it('refuses an altered or re-serialised body, and another secret', () => {
    expect(
      failure(() => verifyWebhook(secret, delivery([secret]), BODY.replace('1403', '1404'), { now: NOW })),
    ).toBe('signature_mismatch');
    const reserialised = JSON.stringify(JSON.parse(BODY), null, 1);
    expect(failure(() => verifyWebhook(secret, delivery([secret]), reserialised, { now: NOW }))).toBe(
      'signature_mismatch',
    );
    expect(failure(() => verifyWebhook(generateSecret(), delivery([secret]), BODY, { now: NOW }))).toBe(
      'signature_mismatch',
    );
    const otherId = { ...delivery([secret]), 'webhook-id': 'msg_other' };
    expect(failure(() => verifyWebhook(secret, otherId, BODY, { now: NOW }))).toBe('signature_mismatch');
  });

  it('refuses a timestamp outside the tolerance, either way, and honours a custom tolerance', () => {
    const old = delivery([secret], { timestamp: NOW_S - 301 });
    expect(failure(() => verifyWebhook(secret, old, BODY, { now: NOW }))).toBe('timestamp_too_old');
    expect(verifyWebhook(secret, old, BODY, { now: NOW, toleranceSeconds: 600 }).timestamp).toBe(NOW_S - 301);
    const ahead = delivery([secret], { timestamp: NOW_S + 301 });
    expect(failure(() => verifyWebhook(secret, ahead, BODY, { now: NOW }))).toBe('timestamp_in_future');
    const edge = delivery([secret], { timestamp: NOW_S - 300 });
    expect(verifyWebhook(secret, edge, BODY, { now: NOW }).timestamp).toBe(NOW_S - 300);
  });

  it('names a missing header, an unreadable timestamp or signature, and a bad secret', () => {
    const { 'webhook-id': _id, ...noId } = delivery([secret]);
    expect(() => verifyWebhook(secret, noId, BODY, { now: NOW })).toThrow('the webhook-id header is missing');
    const badTs = { ...delivery([secret]), 'webhook-timestamp': '2026-12-07T12:00:00Z' };
    expect(failure(() => verifyWebhook(secret, badTs, BODY, { now: NOW }))).toBe('invalid_timestamp');
    const v2 = { ...delivery([secret]), 'webhook-signature': 'v2,abc' };
    expect(failure(() => verifyWebhook(secret, v2, BODY, { now: NOW }))).toBe('invalid_signature_header');
    expect(failure(() => verifyWebhook('not-a-secret', delivery([secret]), BODY, { now: NOW }))).toBe(
      'invalid_secret',
    );
    // the error never echoes the secret
    try {
      verifyWebhook(generateSecret(), delivery([secret]), BODY, { now: NOW });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret.slice(6, 20));
    }
  });
});
