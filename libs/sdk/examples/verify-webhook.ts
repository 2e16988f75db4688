// A webhook receiver that verifies fieldsync's signatures on the raw body before trusting a delivery.
//   FIELDSYNC_WEBHOOK_SECRET=whsec_… PORT=8080 node -r @swc-node/register libs/sdk/examples/verify-webhook.ts
// Register http://<this host>:8080/fieldsync as an endpoint of the webhook dispatcher (docs/webhooks.md).
import { createServer } from 'node:http';
import { WebhookVerificationError, verifyWebhook, type FieldsyncEvent } from '../src/index';

const secret = process.env['FIELDSYNC_WEBHOOK_SECRET'] ?? '';
const seen = new Set<string>(); // at-least-once delivery: deduplicate on webhook-id (use your database)

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const { id, payload } = verifyWebhook<FieldsyncEvent>(secret, req.headers, Buffer.concat(chunks), {
        toleranceSeconds: 300,
      });
      if (!seen.has(id)) {
        seen.add(id);
        console.log(`${id}: ${payload.type} ${payload.subject}`);
      }
      res.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      console.warn(`refused a delivery: ${error.reason}: ${error.message}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(error.reason);
    }
  });
});

server.listen(Number(process.env['PORT'] ?? 8080), () => {
  console.log(`verifying webhooks on :${process.env['PORT'] ?? 8080}/fieldsync`);
});
