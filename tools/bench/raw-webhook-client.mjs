/*
 * The webhooks bench's raw baseline as a process of its own, as the dispatcher is: signed POSTs of one body
 * with undici keep-alive, at most `inFlight` at a time, after `warmup` untimed POSTs (connections, JIT).
 * Reads {url, body, secret, count, inFlight, warmup} as JSON on stdin; writes
 * {wallMs, failed, latencies} as JSON on stdout (latencies of the timed POSTs, request to body read).
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { url, body, secret, count, inFlight, warmup } = JSON.parse(input);
const agent = new Agent({ keepAliveTimeout: 30_000 });
// A KeyObject, as the dispatcher signs with (imported once, not per signature).
const key = createSecretKey(Buffer.from(secret.slice('whsec_'.length), 'base64'));

async function run(total, prefix, latencies) {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const id = `${prefix}_${i}`;
      const ts = Math.floor(Date.now() / 1_000);
      const signature = createHmac('sha256', key).update(`${id}.${ts}.`).update(body).digest('base64');
      const started = performance.now();
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': `v1,${signature}`,
        },
        body,
      });
      await res.body.dump();
      if (res.statusCode !== 200) failed++;
      if (latencies) latencies[i] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return failed;
}

const warmFailed = await run(warmup, 'msg_rawwarm', undefined);
const latencies = new Array(count).fill(0);
const t0 = performance.now();
const failed = await run(count, 'msg_raw', latencies);
const wallMs = performance.now() - t0;
await agent.close();
process.stdout.write(JSON.stringify({ wallMs, failed: failed + warmFailed, latencies }));
