import type { ChangeEvent, Job } from '@fieldsync/canonical-model';
import { eventSubject } from '@fieldsync/messaging';
import {
  expectEventually,
  startWebhookReceiver,
  verifyDelivery,
  type ReceivedDelivery,
  type WebhookReceiver,
} from '@fieldsync/testing';
import {
  DispatcherHarness,
  must,
  type ApiError,
  type AttemptView,
  type EndpointView,
  type MessageDetail,
  type MessageView,
  type Page,
} from './support/dispatcher.harness';

/*
 * The dispatcher process end to end: FSM_EVENTS → ledger → signed HTTP deliveries to a Standard Webhooks
 * receiver built on the official `standardwebhooks` package, with a compressed retry schedule.
 */

jest.setTimeout(60_000);

const SCHEDULE_MS = [200, 400, 800];
const JITTER = 0.2;
const THROTTLE_FLOOR_MS = 1_000;
const TIMEOUT_MS = 1_000;
const DISABLE_AFTER_MS = 9_000;
const ENDPOINT_CONCURRENCY = 2;

/** What a delivery carries: the CloudEvent (change or operational). */
interface DeliveredEvent {
  id: string;
  type: string;
  subject: string;
  time: string;
  data: Record<string, unknown>;
}
const eventOf = (d: ReceivedDelivery) => d.event as DeliveredEvent;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhook dispatcher (process, compressed schedule)', () => {
  const h = new DispatcherHarness({
    WEBHOOK_REQUEST_TIMEOUT: `${TIMEOUT_MS}ms`,
    WEBHOOK_RETRY_SCHEDULE: SCHEDULE_MS.map((ms) => `${ms}ms`).join(','),
    WEBHOOK_RETRY_JITTER: String(JITTER),
    WEBHOOK_THROTTLE_MIN_DELAY: `${THROTTLE_FLOOR_MS}ms`,
    WEBHOOK_DISABLE_AFTER: `${DISABLE_AFTER_MS}ms`,
    WEBHOOK_POLL_INTERVAL: '50ms',
    WEBHOOK_MAX_CONCURRENCY: '8',
    WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
  });
  let receiver: WebhookReceiver;

  /** An endpoint on its own receiver path, with the receiver verifying against its secret. */
  async function endpoint(path: string, body: Record<string, unknown> = {}) {
    const created = await h.createEndpoint({ url: receiver.url(path), ...body });
    receiver.setSecrets(path, [created.secret]);
    return created;
  }

  const opsEvents = (type: string, endpointId: string) =>
    receiver
      .deliveries('/ops')
      .map(eventOf)
      .filter((e) => e.type === type && e.data['endpointId'] === endpointId);

  beforeAll(async () => {
    await h.setUp('wh_delivery');
    await h.start();
    receiver = await startWebhookReceiver();
    // the tenant's operational endpoint
    await endpoint('/ops', { eventTypes: ['endpoint.disabled', 'message.attempt.exhausted'] });
  });

  afterAll(async () => {
    await receiver?.close();
    await h.tearDown();
  });

  const message = async (id: string) => (await h.api<MessageDetail>('GET', `/messages/${id}`)).body;
  /** The `index`th delivery to `path` once there are at least `count`. */
  const nth = async (path: string, count: number, index: number, timeoutMs = 10_000) =>
    must(
      (await receiver.waitFor((d) => d.length >= count, { path, timeoutMs }))[index],
      `delivery ${index} to ${path}`,
    );

  it('delivers each event to every endpoint whose filters want it, signed so standardwebhooks verifies it', async () => {
    const allEndpoint = await endpoint('/all');
    await endpoint('/jobs', { eventTypes: ['job.*'] });
    await endpoint('/invoices', { eventTypes: ['invoice.*'] });
    await endpoint('/servicetitan', { vendors: ['servicetitan'] });
    const events = Array.from({ length: 5 }, () => h.jobEvent());
    await h.publish(events);

    const all = await receiver.waitFor((d) => d.length === 5, { path: '/all' });
    const jobs = await receiver.waitFor((d) => d.length === 5, { path: '/jobs' });
    for (const delivery of [...all, ...jobs]) {
      expect(delivery.verificationError).toBeUndefined();
      expect(delivery.verified).toBe(true);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.webhookId).toMatch(/^msg_[0-9A-Z]{26}$/);
      expect(Math.abs((delivery.timestamp ?? 0) - Date.now() / 1_000)).toBeLessThan(30);
    }
    // the body is the CloudEvent as published, byte for byte
    expect(all.map((d) => d.body).sort()).toEqual(events.map((e) => JSON.stringify(e)).sort());

    // the ledger lists them newest first, page by page
    const pages: string[][] = [];
    let cursor = '';
    do {
      const page = await h.api<Page<MessageView>>(
        'GET',
        `/endpoints/${allEndpoint.id}/messages?limit=2${cursor ? `&before=${cursor}` : ''}`,
      );
      pages.push(page.body.data.map((m) => m.eventId));
      cursor = page.body.next ?? '';
    } while (cursor !== '' && pages.length < 5);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(events.map((e) => e.id).reverse());
    // one webhook-id per (event, endpoint)
    expect(new Set([...all, ...jobs].map((d) => d.webhookId)).size).toBe(10);
    expect(receiver.count('/invoices') + receiver.count('/servicetitan') + receiver.count('/ops')).toBe(0);
  });

  it('fails verification for a tampered body or a replay with an old timestamp', async () => {
    const delivery = must(receiver.deliveries('/all')[0], 'a delivery to /all');
    const secret = must(delivery.verifiedWith[0], 'the secret that verified it');
    expect(() => verifyDelivery(secret, delivery)).not.toThrow();
    const tampered = { ...delivery, body: delivery.body.replace('"job.created"', '"job.deleted"') };
    expect(tampered.body).not.toBe(delivery.body);
    expect(() => verifyDelivery(secret, tampered)).toThrow(/No matching signature/);
    const now = Date.now;
    Date.now = () => now() + 6 * 60_000; // the same delivery replayed six minutes later
    try {
      expect(() => verifyDelivery(secret, delivery)).toThrow(/too old/);
    } finally {
      Date.now = now;
    }
  });

  it('retries a 500 on the schedule with one webhook-id, then reports message.attempt.exhausted', async () => {
    const failing = await endpoint('/failing');
    receiver.respond('/failing', { status: 500, body: 'database down' });
    await h.publish([h.jobEvent()]);

    const attempts = await receiver.waitFor((d) => d.length === SCHEDULE_MS.length + 1, { path: '/failing' });
    expect(new Set(attempts.map((d) => d.webhookId)).size).toBe(1);
    const gaps = attempts.slice(1).map((d, i) => d.receivedAt - must(attempts[i]).receivedAt);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(must(SCHEDULE_MS[i]) * (1 - JITTER) - 20));
    const webhookId = must(attempts[0]?.webhookId, 'webhook-id');
    const exhausted = await expectEventually(() => {
      const found = opsEvents('message.attempt.exhausted', failing.id);
      expect(found).toHaveLength(1);
      return must(found[0]);
    });
    expect(exhausted.data).toMatchObject({
      endpointId: failing.id,
      messageId: webhookId,
      attempts: 4,
      lastStatusCode: 500,
    });
    const detail = await message(webhookId);
    expect(detail).toMatchObject({ status: 'failed', failureReason: 'exhausted', attempts: 4 });
    expect(detail.attemptList.map((a) => [a.attemptNumber, a.statusCode, a.responseExcerpt])).toEqual(
      [1, 2, 3, 4].map((n) => [n, 500, 'database down']),
    );
    await sleep(must(SCHEDULE_MS.at(-1)) * 2);
    expect(receiver.count('/failing')).toBe(4);
  });

  it('disables an endpoint that answers 410 Gone and tells the operational endpoint', async () => {
    const gone = await endpoint('/gone');
    await endpoint('/witness');
    receiver.respond('/gone', { status: 410 });
    await h.publish([h.jobEvent(), h.jobEvent()]);
    const disabled = await expectEventually(() => {
      const found = opsEvents('endpoint.disabled', gone.id);
      expect(found).toHaveLength(1);
      return must(found[0]);
    });
    expect(disabled.data).toMatchObject({ endpointId: gone.id, reason: 'gone', lastStatusCode: 410 });
    expect((await h.api<EndpointView>('GET', `/endpoints/${gone.id}`)).body).toMatchObject({
      disabled: true,
      disabledReason: 'gone',
    });
    const messages = (await h.api<Page<MessageView>>('GET', `/endpoints/${gone.id}/messages`)).body.data;
    expect(messages.map((m) => [m.status, m.failureReason])).toEqual([
      ['failed', 'endpoint_disabled'],
      ['failed', 'endpoint_disabled'],
    ]);
    const before = receiver.count('/gone');
    await h.publish([h.jobEvent()]);
    await receiver.waitFor((d) => d.length === 3, { path: '/witness' });
    expect(receiver.count('/gone')).toBe(before);
  });

  it('stops retrying a message when the receiver answers webhook-delivery: abort-message', async () => {
    const abort = await endpoint('/abort');
    receiver.respond('/abort', { status: 422, headers: { 'webhook-delivery': 'abort-message' } });
    await h.publish([h.jobEvent()]);
    const delivery = await nth('/abort', 1, 0);
    const detail = await expectEventually(async () => {
      const found = await message(must(delivery.webhookId));
      expect(found.status).toBe('failed');
      return found;
    });
    expect(detail).toMatchObject({ failureReason: 'aborted', attempts: 1, lastStatusCode: 422 });
    await sleep(must(SCHEDULE_MS[0]) * 3);
    expect(receiver.count('/abort')).toBe(1);
    expect(opsEvents('message.attempt.exhausted', abort.id)).toEqual([]);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    await endpoint('/moved');
    receiver.respond('/moved', { status: 307, headers: { location: receiver.url('/elsewhere') } });
    await h.publish([h.jobEvent()]);
    const first = await nth('/moved', 2, 0);
    const attempts = (await h.api<Page<AttemptView>>('GET', `/messages/${must(first.webhookId)}/attempts`))
      .body.data;
    expect(attempts[0]).toMatchObject({ outcome: 'failed', statusCode: 307 });
    expect(receiver.count('/elsewhere')).toBe(0);
  });

  it('retries a timed-out attempt after at least the throttle floor, with the same webhook-id', async () => {
    await endpoint('/slow');
    receiver.respond('/slow', { hang: true });
    await h.publish([h.jobEvent()]);
    const [first, second] = await receiver.waitFor((d) => d.length >= 2, {
      path: '/slow',
      timeoutMs: 15_000,
    });
    const webhookId = must(first?.webhookId);
    expect(second?.webhookId).toBe(webhookId);
    expect(must(second).receivedAt - must(first).receivedAt).toBeGreaterThanOrEqual(
      TIMEOUT_MS + THROTTLE_FLOOR_MS - 50,
    );
    const attempt = must(
      (await h.api<Page<AttemptView>>('GET', `/messages/${webhookId}/attempts`)).body.data[0],
      'the first attempt',
    );
    expect(attempt).toMatchObject({ outcome: 'timeout', statusCode: null, attemptNumber: 1 });
    expect(Date.parse(must(attempt.nextAttemptAt)) - Date.parse(attempt.createdAt)).toBeGreaterThanOrEqual(
      THROTTLE_FLOOR_MS,
    );
  });

  it('disables an endpoint that keeps failing for the whole disable window and emits endpoint.disabled', async () => {
    const broken = await endpoint('/broken');
    receiver.respond('/broken', { status: 502 });
    const started = Date.now();
    for (let i = 0; i < 12 && opsEvents('endpoint.disabled', broken.id).length === 0; i++) {
      await h.publish([h.jobEvent()]);
      await sleep(1_500);
    }
    const event = await expectEventually(() => {
      const found = opsEvents('endpoint.disabled', broken.id);
      expect(found).toHaveLength(1);
      return must(found[0]);
    });
    expect(event.data).toMatchObject({
      endpointId: broken.id,
      reason: 'consecutive_failures',
      lastStatusCode: 502,
    });
    const failingSince = Date.parse(event.data['failingSince'] as string);
    expect(Date.parse(event.time) - failingSince).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
    expect(failingSince).toBeGreaterThanOrEqual(started - 1_000);
    expect((await h.api<EndpointView>('GET', `/endpoints/${broken.id}`)).body).toMatchObject({
      disabled: true,
      disabledReason: 'consecutive_failures',
    });
  });

  it('keeps per-entity order on an ordered endpoint under retries, while other entities keep flowing', async () => {
    await endpoint('/ordered', { ordered: true });
    const versions = (first: Job): Job[] => [first, { ...first, title: 'v2' }, { ...first, title: 'v3' }];
    const xs = versions(h.factory.job({ externalId: 'ORDER-X', title: 'v1' }));
    const ys = versions(h.factory.job({ externalId: 'ORDER-Y', title: 'v1' }));
    const events: ChangeEvent[] = [];
    for (let i = 0; i < 3; i++) {
      events.push(h.jobEvent(must(xs[i]), xs[i - 1]));
      events.push(h.jobEvent(must(ys[i]), ys[i - 1]));
    }
    const xId = must(xs[0]).id;
    const yId = must(ys[0]).id;
    const xEvents = events.filter((e) => e.subject === xId).map((e) => e.id);
    const yEvents = events.filter((e) => e.subject === yId).map((e) => e.id);
    // X's first event fails until all of Y has arrived: Y must not wait behind X.
    receiver.respond('/ordered', (delivery) => {
      const yDone = receiver.deliveries('/ordered').filter((d) => eventOf(d).subject === yId).length >= 3;
      return eventOf(delivery).id === xEvents[0] && !yDone ? { status: 500 } : { status: 200 };
    });
    await h.publish(events);

    const all = await receiver.waitFor((d) => d.filter((x) => x.responseStatus === 200).length === 6, {
      path: '/ordered',
      timeoutMs: 20_000,
    });
    const xDeliveries = all.filter((d) => eventOf(d).subject === xId);
    const yDeliveries = all.filter((d) => eventOf(d).subject === yId);
    expect(xDeliveries.length).toBeGreaterThan(3); // X's first event was retried
    // per entity: every attempt of an event comes before any attempt of the next one
    expect(xDeliveries.map((d) => eventOf(d).id).filter((id, i, ids) => ids[i - 1] !== id)).toEqual(xEvents);
    expect(yDeliveries.map((d) => eventOf(d).id)).toEqual(yEvents);
    const xFirstSuccess = must(xDeliveries.find((d) => d.responseStatus === 200));
    expect(yDeliveries.every((d) => d.receivedAt <= xFirstSuccess.receivedAt)).toBe(true);
  });

  it('bounds a slow endpoint to its own concurrency so the others keep flowing', async () => {
    await endpoint('/tortoise', { eventTypes: ['job.created'] });
    await endpoint('/hare', { eventTypes: ['job.created'] });
    let open = 0;
    let peak = 0;
    receiver.respond('/tortoise', async () => {
      open++;
      peak = Math.max(peak, open);
      await sleep(400);
      open--;
      return { status: 200 };
    });
    await h.publish(Array.from({ length: 30 }, () => h.jobEvent()));
    await receiver.waitFor((d) => d.length === 30, { path: '/hare', timeoutMs: 20_000 });
    // 30 × 400 ms at two at a time takes ~6 s: the hare got everything long before the tortoise did.
    expect(receiver.count('/tortoise')).toBeLessThan(30);
    await receiver.waitFor((d) => d.filter((x) => x.responseStatus === 200).length === 30, {
      path: '/tortoise',
      timeoutMs: 30_000,
    });
    expect(peak).toBe(ENDPOINT_CONCURRENCY);
  });

  it('holds a rate-limited endpoint to its rate', async () => {
    await endpoint('/limited', { eventTypes: ['job.created'], rateLimitPerSecond: 5 });
    await h.publish(Array.from({ length: 15 }, () => h.jobEvent()));
    const got = await receiver.waitFor((d) => d.length === 15, { path: '/limited', timeoutMs: 20_000 });
    const times = got.map((d) => d.receivedAt).sort((a, b) => a - b);
    // a burst of 5, then 5 per second: the last of 15 cannot come before ~2 s
    expect(must(times.at(-1)) - must(times[0])).toBeGreaterThanOrEqual(1_800);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(10);
  });

  it('signs with the old and the new secret during a rotation', async () => {
    const rotating = await endpoint('/rotating');
    const rotated = await h.api<{ secret: string; previousSecretValidUntil: string }>(
      'POST',
      `/endpoints/${rotating.id}/rotate-secret`,
      {},
    );
    expect(rotated.status).toBe(200);
    const next = rotated.body.secret;
    expect(next).toMatch(/^whsec_/);
    expect(Date.parse(rotated.body.previousSecretValidUntil)).toBeGreaterThan(Date.now() + 3_500_000);
    expect((await h.api('GET', `/endpoints/${rotating.id}/secret`)).body).toEqual({ secret: next });
    receiver.setSecrets('/rotating', [rotating.secret, next]);
    await h.publish([h.jobEvent()]);
    const delivery = await nth('/rotating', 1, 0);
    expect(delivery.signatures).toHaveLength(2);
    expect([...delivery.verifiedWith].sort()).toEqual([rotating.secret, next].sort());
  });

  it('resends one message and recovers an endpoint’s failed messages with the same webhook-id', async () => {
    const flaky = await endpoint('/flaky');
    receiver.respond('/flaky', { status: 500 });
    await h.publish([h.jobEvent()]);
    const webhookId = must((await nth('/flaky', 4, 0)).webhookId);
    await expectEventually(async () => expect((await message(webhookId)).status).toBe('failed'));

    receiver.respond('/flaky', { status: 200 });
    const since = new Date(Date.now() - 60_000).toISOString();
    const recovered = await h.api('POST', `/endpoints/${flaky.id}/recover`, { since });
    expect(recovered).toEqual({ status: 202, body: { recovered: 1 } });
    const again = await nth('/flaky', 5, 4);
    expect(again.webhookId).toBe(webhookId);
    expect(again.verified).toBe(true);
    await expectEventually(async () =>
      expect(await message(webhookId)).toMatchObject({ status: 'succeeded', attempts: 5 }),
    );

    const resent = await h.api('POST', `/messages/${webhookId}/resend`);
    expect(resent.status).toBe(202);
    expect((await nth('/flaky', 6, 5)).webhookId).toBe(webhookId);
  });

  it('needs the admin token, scopes the admin API by tenant and names the field of a bad request', async () => {
    const mine = await endpoint('/mine');
    const someone = 'ten_someone_else';
    expect((await h.api('GET', `/endpoints/${mine.id}`, undefined, someone)).status).toBe(404);
    const delivered = must(receiver.deliveries('/all')[0]?.webhookId);
    expect((await h.api('GET', `/messages/${delivered}`, undefined, someone)).status).toBe(404);

    const noToken = await fetch(`http://127.0.0.1:${h.port}/tenants/${h.tenantId}/endpoints`);
    expect(noToken.status).toBe(401);
    const badTenant = await h.api<ApiError>('GET', '/endpoints', undefined, 'not.a.tenant');
    expect(badTenant.status).toBe(400);
    expect((badTenant.body.issues ?? []).map((i) => i.field)).toEqual(['tenantId']);
    // the header of old is gone: the tenant is in the path only
    const oldForm = await fetch(`http://127.0.0.1:${h.port}/endpoints`, {
      headers: { authorization: `Bearer ${h.adminToken}`, 'fieldsync-tenant-id': h.tenantId },
    });
    expect(oldForm.status).toBe(404);

    const bad = await h.api<ApiError>('POST', '/endpoints', {
      url: 'ftp://example.com/hook',
      eventTypes: ['job.create'],
      rateLimitPerSecond: 0,
    });
    expect(bad.status).toBe(400);
    expect((bad.body.issues ?? []).map((i) => i.field).sort()).toEqual([
      'eventTypes.0',
      'rateLimitPerSecond',
    ]);
    const badUrl = await h.api<ApiError>('POST', '/endpoints', { url: 'ftp://example.com/hook' });
    expect(badUrl.body).toMatchObject({ statusCode: 400, message: 'url: must be an https:// URL' });
    const metadata = await h.api<ApiError>('POST', '/endpoints', {
      url: 'http://169.254.169.254/latest/meta-data/',
    });
    expect(metadata.body.message).toMatch(/^url: is not allowed: 169\.254\.169\.254 is a linkLocal address/);

    const patched = await h.api<EndpointView>('PATCH', `/endpoints/${mine.id}`, {
      description: 'billing',
      eventTypes: ['invoice.paid'],
    });
    expect(patched.body).toMatchObject({ description: 'billing', eventTypes: ['invoice.paid'] });
    const listed = await h.api<Page<EndpointView>>('GET', '/endpoints?limit=2');
    expect(listed.body.data).toHaveLength(2);
    expect(listed.body.next).toEqual(listed.body.data[1]?.id);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((await h.api('DELETE', `/endpoints/${mine.id}`)).status).toBe(204);
    expect((await h.api('GET', `/endpoints/${mine.id}`)).status).toBe(404);
  });

  it('parks what is not a fieldsync CloudEvent of the subject’s tenant in FSM_DLQ, naming why', async () => {
    const subject = (tenantId: string) =>
      eventSubject({ tenantId, vendor: 'jobber', entity: 'job', action: 'created' });
    await h.publishRaw(subject(h.tenantId), { hello: 'world' }, 'not-an-event-1');
    const foreign = h.jobEvent();
    await h.publishRaw(subject('ten_other'), foreign, foreign.id);
    const reasons = await expectEventually(async () => {
      const parked = await h.dlqReasons();
      expect(parked).toHaveLength(2);
      return parked;
    });
    expect(reasons).toEqual([
      expect.stringContaining('not a fieldsync CloudEvent: specversion') as unknown,
      expect.stringContaining(
        `tenantid ${h.tenantId} does not match the subject's tenant ten_other`,
      ) as unknown,
    ]);
  });

  it('stops cleanly on SIGTERM, having logged no unexpected error', async () => {
    const service = must(h.service);
    const exit = await service.stop('SIGTERM');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    const errors = exit.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level >= 50);
    // the two events parked on purpose above, and nothing else
    expect(errors.map((e) => e.msg)).toEqual(['message dead-lettered', 'message dead-lettered']);
  });
});
