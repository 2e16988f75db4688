// Consume change events from NATS with resume: a durable consumer keeps the position on the server, and the
// last handled stream sequence is printed so a non-durable subscription can resume with --after.
//   NATS_URL=nats://user:pass@localhost:4222 FIELDSYNC_TENANT_ID=ten_acme \
//     node -r @swc-node/register libs/sdk/examples/consume-events.ts [--after <sequence>] [types…]
// Then the REST feed for integrators who poll: GET /events?after= (FIELDSYNC_API_URL, FIELDSYNC_API_KEY set).
import { connect } from '@nats-io/transport-node';
import { FieldsyncClient, subscribeEvents } from '../src/index';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--after');
  const after = at >= 0 ? Number(args[at + 1]) : undefined;
  const types = args.filter((_, i) => i !== at && i !== at + 1);
  const nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://localhost:4222' });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  setTimeout(() => controller.abort(), Number(process.env['EXAMPLE_SECONDS'] ?? 30) * 1000).unref();
  const subscription = subscribeEvents(nc, {
    tenantId: process.env['FIELDSYNC_TENANT_ID'],
    types: types.length > 0 ? types : undefined,
    prefix: process.env['FIELDSYNC_STREAM_PREFIX'] ?? '',
    ...(after !== undefined
      ? { after }
      : { durableName: process.env['EXAMPLE_DURABLE'] ?? 'example-consumer', from: 'all' as const }),
    signal: controller.signal,
  });
  for await (const { event, sequence, ack } of subscription) {
    console.log(
      `#${sequence} ${event.type} ${event.subject} (${'connectionid' in event ? event.connectionid : 'platform'})`,
    );
    ack(); // after your own durable write: an unacknowledged event comes again
  }
  await nc.drain();

  if (process.env['FIELDSYNC_API_KEY']) {
    const client = new FieldsyncClient({
      baseUrl: process.env['FIELDSYNC_API_URL'] ?? 'http://localhost:3000',
      apiKey: process.env['FIELDSYNC_API_KEY'],
    });
    let last = 0;
    for await (const { event, position } of client.iterateEvents({
      after: 0,
      types: types.length > 0 ? types : undefined,
    })) {
      last = position;
      console.log(`feed @${position} ${event.type} ${event.subject}`);
    }
    console.log(`caught up: poll again with after=${last}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
