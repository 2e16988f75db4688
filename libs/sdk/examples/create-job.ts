// Create a job with an idempotency key, then send the same request again: the api answers with the stored
// result (Idempotent-Replayed). A 202 (the vendor is slow) is followed on GET /commands/{id}.
//   FIELDSYNC_API_URL=… FIELDSYNC_API_KEY=fsk_… \
//     node -r @swc-node/register libs/sdk/examples/create-job.ts <clientId> <propertyId> [idempotencyKey]
import { randomUUID } from 'node:crypto';
import { FieldsyncApiError, FieldsyncClient } from '../src/index';

async function main(): Promise<void> {
  const [clientId, propertyId, key] = process.argv.slice(2);
  if (!clientId || !propertyId)
    throw new Error('usage: create-job.ts <clientId> <propertyId> [idempotencyKey]');
  const client = new FieldsyncClient({
    baseUrl: process.env['FIELDSYNC_API_URL'] ?? 'http://localhost:3000',
    apiKey: process.env['FIELDSYNC_API_KEY'] ?? '',
  });
  // keep the key with your own record of the operation: retrying with it can never create a second job
  const idempotencyKey = key ?? `example-${randomUUID()}`;
  const start = new Date(Date.now() + 2 * 86_400_000);
  start.setUTCHours(15, 0, 0, 0);
  const body = {
    clientId,
    propertyId,
    title: 'Annual AC tune-up',
    scheduledStart: start.toISOString(),
    scheduledEnd: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
    tags: ['maintenance'],
  };
  for (const attempt of ['first', 'replay']) {
    const outcome = await client.write('createJob', { body, idempotencyKey }, { timeoutMs: 60_000 });
    if (outcome.kind === 'resource') {
      console.log(
        `${attempt}: ${outcome.status} job ${outcome.data.jobId}${outcome.replayed ? ' (replayed)' : ''}`,
      );
    } else {
      const { command } = outcome;
      console.log(
        `${attempt}: command ${command.commandId} is ${command.status}`,
        command.result ?? command.error ?? '',
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof FieldsyncApiError ? `${error.message} [request ${error.requestId ?? '?'}]` : error,
  );
  process.exit(1);
});
