import type { ChangeEvent } from '@fieldsync/canonical-model';
import { expectEventually, startWebhookReceiver, type WebhookReceiver } from '@fieldsync/testing';
import { sql } from 'kysely';
import { DispatcherHarness, must } from './support/dispatcher.harness';

/*
 * SIGKILL in the middle of a fan-out of 10,000 events to 5 endpoints, then a restart: every
 * (event, endpoint) pair is delivered at least once, always under one stable webhook-id, and every
 * delivery verifies with the official standardwebhooks package.
 */

jest.setTimeout(180_000);

const EVENTS = 10_000;
const PATHS = ['/e1', '/e2', '/e3', '/e4', '/e5'];
const PAIRS = EVENTS * PATHS.length;

describe('webhook dispatcher killed with SIGKILL during fan-out', () => {
  const h = new DispatcherHarness({
    WEBHOOK_POLL_INTERVAL: '50ms',
    WEBHOOK_MAX_CONCURRENCY: '64',
    WEBHOOK_ENDPOINT_CONCURRENCY: '16',
    WEBHOOK_FANOUT_CONCURRENCY: '128',
    WEBHOOK_REQUEST_TIMEOUT: '5s',
    WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,2s',
    DATABASE_POOL_MAX: '12',
  });
  /** path → event id → the webhook-ids it arrived under. */
  const seen = new Map<string, Map<string, Set<string>>>(PATHS.map((p) => [p, new Map()]));
  let unverified = 0;
  let deliveries = 0;
  let receiver: WebhookReceiver;

  const pairsDelivered = (): number => [...seen.values()].reduce((n, events) => n + events.size, 0);

  beforeAll(async () => {
    await h.setUp('wh_crash');
    receiver = await startWebhookReceiver({
      keepBodies: false,
      onDelivery: (d) => {
        deliveries++;
        if (!d.verified) unverified++;
        const eventId = (d.event as { id?: string } | undefined)?.id ?? '(none)';
        const byEvent = seen.get(d.path);
        if (!byEvent || !d.webhookId) return;
        const ids = byEvent.get(eventId) ?? new Set<string>();
        ids.add(d.webhookId);
        byEvent.set(eventId, ids);
      },
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await h.tearDown();
  });

  it('delivers every (event, endpoint) pair under one stable webhook-id after a restart', async () => {
    await h.start();
    for (const path of PATHS) {
      const { secret } = await h.createEndpoint({ url: receiver.url(path), eventTypes: ['job.*'] });
      receiver.setSecrets(path, [secret]);
    }
    const events: ChangeEvent[] = Array.from({ length: EVENTS }, () => h.jobEvent());
    await h.publish(events, 500);

    // Kill it once fan-out has recorded part of the ledger and deliveries are under way.
    const countMessages = async () =>
      Number(
        (await sql<{ n: string }>`select count(*)::text as n from webhook_messages`.execute(h.db)).rows[0]
          ?.n ?? 0,
      );
    await expectEventually(
      async () => {
        expect(await countMessages()).toBeGreaterThanOrEqual(PAIRS / 10);
        expect(deliveries).toBeGreaterThan(0);
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    const exit = await must(h.service).stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const recordedAtKill = await countMessages();
    const deliveredAtKill = pairsDelivered();
    expect(recordedAtKill).toBeLessThan(PAIRS); // the kill interrupted fan-out
    expect(deliveredAtKill).toBeLessThan(PAIRS);

    await h.start();
    await expectEventually(() => expect(pairsDelivered()).toBe(PAIRS), {
      timeoutMs: 150_000,
      intervalMs: 250,
    });

    for (const [path, byEvent] of seen) {
      expect({ path, events: byEvent.size }).toEqual({ path, events: EVENTS });
      const unstable = [...byEvent.entries()].filter(([, ids]) => ids.size !== 1);
      expect({ path, unstable: unstable.slice(0, 3) }).toEqual({ path, unstable: [] });
    }
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(must(seen.get('/e1')).keys()));
    expect(unverified).toBe(0);
    // the ledger agrees: one message per pair, and every one ends delivered
    expect(await countMessages()).toBe(PAIRS);
    await expectEventually(
      async () => {
        const { rows } = await sql<{ status: string; n: number }>`
          select status, count(*)::int as n from webhook_messages group by status`.execute(h.db);
        expect(rows).toEqual([{ status: 'succeeded', n: PAIRS }]);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    process.stdout.write(
      `SIGKILL at ${recordedAtKill}/${PAIRS} recorded, ${deliveredAtKill} delivered; ${deliveries} deliveries in all (${deliveries - PAIRS} repeats)\n`,
    );
  });
});
