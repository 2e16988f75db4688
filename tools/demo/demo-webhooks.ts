/*
 * The demo's webhooks: a local Standard Webhooks receiver (verifying with the official `standardwebhooks`
 * package) registered as an endpoint of the demo tenant on the webhook dispatcher, and a few job changes
 * published to FSM_EVENTS so deliveries show up before the extractor produces real ones.
 */
import { buildChangeEvent, type Job } from '@fieldsync/canonical-model';
import { connectNats, eventSubject, JetStreamPublisher } from '@fieldsync/messaging';
import {
  canonicalFactory,
  startWebhookReceiver,
  type ReceivedDelivery,
  type WebhookReceiver,
} from '@fieldsync/testing';

export interface DemoWebhooksOptions {
  dispatcherPort: number;
  natsUrl: string;
  /** FIELDSYNC_STREAM_PREFIX of the demo's services. */
  prefix: string;
  tenantId: string;
  /** FIELDSYNC_ADMIN_TOKEN of the demo's services. */
  adminToken: string;
  say: (line: string) => void;
}

function describe(d: ReceivedDelivery): string {
  const event = d.event as { type?: string; subject?: string } | undefined;
  return `  ${d.webhookId ?? '?'}  ${event?.type ?? '?'}  ${event?.subject ?? ''}  ${d.verified ? 'signature verified' : `NOT VERIFIED (${d.verificationError ?? ''})`}`;
}

/** Registers the receiver and shows three deliveries arriving; the receiver keeps printing what arrives. */
export async function demoWebhooks(o: DemoWebhooksOptions): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver({ onDelivery: (d) => o.say(describe(d)) });
  const res = await fetch(`http://127.0.0.1:${o.dispatcherPort}/endpoints`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'fieldsync-tenant-id': o.tenantId,
      authorization: `Bearer ${o.adminToken}`,
    },
    body: JSON.stringify({ url: receiver.url('/demo'), description: 'npm run demo receiver' }),
  });
  const endpoint = (await res.json()) as { id?: string; secret?: string; message?: string };
  if (res.status !== 201 || !endpoint.secret) {
    await receiver.close();
    throw new Error(`registering the demo endpoint: ${res.status} ${endpoint.message ?? ''}`);
  }
  receiver.setSecrets('/demo', [endpoint.secret]);
  o.say(`  endpoint ${endpoint.id} → ${receiver.url('/demo')}`);

  const factory = canonicalFactory({
    tenantId: o.tenantId,
    connectionId: 'con_demo_webhooks',
    vendor: 'servicetitan',
  });
  const created: Job = factory.job({ title: 'No cooling upstairs' });
  const dispatched: Job = { ...created, status: 'dispatched', vendorStatus: 'Dispatched' };
  const done: Job = {
    ...dispatched,
    status: 'completed',
    vendorStatus: 'Completed',
    completedAt: new Date().toISOString(),
  };
  const nc = await connectNats({ servers: o.natsUrl, name: 'fieldsync-demo-webhooks', timeoutMs: 5_000 });
  try {
    const publisher = new JetStreamPublisher({ nc, prefix: o.prefix });
    const steps: [Job, Job | null][] = [
      [created, null],
      [dispatched, created],
      [done, dispatched],
    ];
    for (const [i, [after, before]] of steps.entries()) {
      const event = buildChangeEvent({
        tenantId: o.tenantId,
        connectionId: factory.connectionId,
        vendor: factory.vendor,
        sequence: Date.now() * 10 + i,
        before,
        after,
      });
      if (!event) continue;
      const [entity, action] = event.type.split('.') as [string, string];
      await publisher.publish(
        eventSubject({ tenantId: o.tenantId, vendor: event.vendor, entity, action }),
        event,
        {
          msgId: event.id,
          tenantId: o.tenantId,
          expectStream: 'events',
        },
      );
    }
  } finally {
    await nc.close();
  }
  await receiver.waitFor((d) => d.length >= 3, { path: '/demo', timeoutMs: 20_000 });
  return receiver;
}
