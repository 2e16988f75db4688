import { Webhook } from 'standardwebhooks';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;

function signedHeaders(id: string, body: string, at = new Date()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1_000)),
    'webhook-signature': new Webhook(SECRET).sign(id, at, body),
  };
}

describe('startWebhookReceiver', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    receiver.setSecrets('/hook', [SECRET]);
  });
  afterEach(() => receiver.close());

  const post = (path: string, id: string, body: string, headers = signedHeaders(id, body)) =>
    fetch(receiver.url(path), { method: 'POST', headers, body });

  it('verifies each delivery with standardwebhooks and records why one fails', async () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'job.created' });
    await post('/hook', 'msg_1', body);
    await post('/hook', 'msg_2', body, { ...signedHeaders('msg_2', body), 'webhook-id': 'msg_forged' });
    await post('/hook', 'msg_3', body, signedHeaders('msg_3', body, new Date(Date.now() - 10 * 60_000)));
    const [good, forged, stale] = receiver.deliveries('/hook');
    expect(good).toMatchObject({
      verified: true,
      webhookId: 'msg_1',
      event: { id: 'evt_1' },
      responseStatus: 200,
    });
    expect(good?.verifiedWith).toEqual([SECRET]);
    expect(forged).toMatchObject({ verified: false, verificationError: 'No matching signature found' });
    expect(stale).toMatchObject({ verified: false, verificationError: 'Message timestamp too old' });
  });

  it('answers as scripted: queued responses first, then the path default', async () => {
    receiver.respond('/hook', { status: 503, headers: { 'retry-after': '7' } });
    receiver.enqueue(
      '/hook',
      { status: 410 },
      { status: 200, headers: { 'webhook-delivery': 'abort-message' } },
    );
    const statuses: [number, string | null, string | null][] = [];
    for (const id of ['a', 'b', 'c']) {
      const res = await post('/hook', id, '{}');
      statuses.push([res.status, res.headers.get('retry-after'), res.headers.get('webhook-delivery')]);
    }
    expect(statuses).toEqual([
      [410, null, null],
      [200, null, 'abort-message'],
      [503, '7', null],
    ]);
    expect(receiver.count('/hook')).toBe(3);
    expect(receiver.count('/other')).toBe(0);
  });

  it('can leave a request unanswered until the receiver closes', async () => {
    receiver.respond('/hook', { hang: true });
    const aborted = post('/hook', 'slow', '{}', { ...signedHeaders('slow', '{}') });
    const outcome = await Promise.race([
      aborted.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
    ]);
    expect(outcome).toBe('still waiting');
    expect(receiver.deliveries('/hook')[0]?.responseStatus).toBeUndefined();
    await receiver.close();
    await expect(aborted).rejects.toThrow();
    receiver = await startWebhookReceiver();
  });
});
