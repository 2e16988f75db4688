/*
 * The demo's webhooks: a local Standard Webhooks receiver (verifying with the official `standardwebhooks`
 * package) registered with the webhook dispatcher as an endpoint of the demo tenant, for the change event
 * types its connections produce (`<entity>.*` for every entity their streams read) and for those
 * connections only. It is registered once the backfill's events went out, so what it receives are the
 * changes that follow: the writer's commands, the extractor's polls, the live activity. The demo
 * publishes nothing itself; `describeDeliveries` says what arrived, whether every signature verified,
 * and whether each delivered event is one of the tenant's change log (by event id).
 */
import type { DB } from '@fieldsync/persistence';
import { startWebhookReceiver, type ReceivedDelivery, type WebhookReceiver } from '@fieldsync/testing';
import { sql, type Kysely } from 'kysely';
import type { DemoVendorConnection } from './demo-extractor';

const PATH = '/demo';

export interface DemoEndpointOptions {
  readonly dispatcherPort: number;
  readonly tenantId: string;
  /** FIELDSYNC_ADMIN_TOKEN of the demo's services. */
  readonly adminToken: string;
  readonly connections: readonly DemoVendorConnection[];
  /** The endpoint's event type filters (`job.*` ...): what the connections produce. */
  readonly eventTypes: readonly string[];
}

export interface DemoEndpoint {
  readonly id: string;
  readonly url: string;
  readonly receiver: WebhookReceiver;
}

/** Starts the receiver and registers it with the dispatcher; nothing is delivered until a real change. */
export async function registerDemoEndpoint(o: DemoEndpointOptions): Promise<DemoEndpoint> {
  const receiver = await startWebhookReceiver();
  try {
    const res = await fetch(`http://127.0.0.1:${o.dispatcherPort}/tenants/${o.tenantId}/endpoints`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${o.adminToken}`,
      },
      body: JSON.stringify({
        url: receiver.url(PATH),
        description: 'npm run demo receiver',
        eventTypes: o.eventTypes,
        connectionIds: o.connections.map((c) => c.connectionId),
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const endpoint = (await res.json()) as { id?: string; secret?: string; message?: string };
    if (res.status !== 201 || !endpoint.id || !endpoint.secret) {
      throw new Error(`registering the demo endpoint: HTTP ${res.status} ${endpoint.message ?? ''}`);
    }
    receiver.setSecrets(PATH, [endpoint.secret]);
    return { id: endpoint.id, url: receiver.url(PATH), receiver };
  } catch (error) {
    await receiver.close();
    throw error;
  }
}

export interface DeliveriesSeen {
  /** Requests the receiver got (a retried message counts once per attempt). */
  readonly deliveries: number;
  /** Distinct events among them. */
  readonly events: number;
  readonly verified: number;
  /** Deliveries whose event id is not in the tenant's change log (or that carry no event id). */
  readonly notInChangeLog: number;
  /** Deliveries per event type, most frequent first. */
  readonly byType: readonly (readonly [string, number])[];
  /** Every delivery verified and is a change event of the change log (and there was at least one). */
  readonly ok: boolean;
}

const eventOf = (d: ReceivedDelivery): { id?: unknown; type?: unknown } =>
  typeof d.event === 'object' && d.event !== null ? d.event : {};

/** What the receiver got so far, checked against the tenant's change log. */
export async function describeDeliveries(
  endpoint: DemoEndpoint,
  db: Kysely<DB>,
  tenantId: string,
): Promise<DeliveriesSeen> {
  const received = endpoint.receiver.deliveries(PATH);
  const ids = [
    ...new Set(received.map((d) => eventOf(d).id).filter((id): id is string => typeof id === 'string')),
  ];
  const logged =
    ids.length === 0
      ? new Set<string>()
      : new Set(
          (
            await sql<{ id: string }>`
              select id from change_events where tenant_id = ${tenantId} and id = any(${ids}::text[])`.execute(
              db,
            )
          ).rows.map((r) => r.id),
        );
  const byType = new Map<string, number>();
  for (const d of received) {
    const type = eventOf(d).type;
    const key = typeof type === 'string' ? type : '(no type)';
    byType.set(key, (byType.get(key) ?? 0) + 1);
  }
  const verified = received.filter((d) => d.verified).length;
  const notInChangeLog = received.filter((d) => {
    const id = eventOf(d).id;
    return typeof id !== 'string' || !logged.has(id);
  }).length;
  return {
    deliveries: received.length,
    events: ids.length,
    verified,
    notInChangeLog,
    byType: [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    ok: received.length > 0 && verified === received.length && notInChangeLog === 0,
  };
}

/** One line about the deliveries: how many, which types, the signatures, the change log. */
export function deliveriesLine(endpointId: string, seen: DeliveriesSeen): string {
  if (seen.deliveries === 0) return `  webhooks: nothing delivered to ${endpointId} yet`;
  const types = seen.byType.map(([type, n]) => `${type} ${n}`).join(', ');
  const unverified = seen.deliveries - seen.verified;
  return (
    `  webhooks: ${seen.deliveries} deliveries to ${endpointId} (${seen.events} events: ${types}); ` +
    (unverified === 0
      ? `all ${seen.verified} signatures verified (Standard Webhooks)`
      : `${unverified} of ${seen.deliveries} signatures NOT VERIFIED`) +
    (seen.notInChangeLog === 0
      ? ', each one a change event of the change log'
      : `; ${seen.notInChangeLog} NOT in the change log`)
  );
}
