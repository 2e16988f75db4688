/*
 * The demo's last step: the REST API (apps/api). The operator creates an API key for the demo tenant, and
 * the demo uses it as an integrator would: a filtered job list, a job created with an Idempotency-Key
 * (through the writer, on the vendor), and the same call replayed (the stored answer, Idempotent-Replayed).
 */

export interface DemoRestResult {
  readonly ok: boolean;
  readonly replayed: boolean;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function demoRest(options: {
  apiPort: number;
  adminToken: string;
  tenantId: string;
  runId: string;
  say: (line: string) => void;
}): Promise<DemoRestResult> {
  const { say } = options;
  const base = `http://127.0.0.1:${options.apiPort}`;
  const call = async (
    method: string,
    path: string,
    token: string,
    body?: unknown,
    key?: string,
  ): Promise<Answer> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== undefined) headers['idempotency-key'] = key;
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  const created = await call('POST', '/api-keys', options.adminToken, {
    tenantId: options.tenantId,
    name: `demo ${options.runId}`,
    scopes: ['write'],
  });
  if (created.status !== 201) {
    say(`  POST /api-keys → ${created.status} ${JSON.stringify(created.body)}`);
    return { ok: false, replayed: false };
  }
  const key = String(created.body['key']);
  say(
    `  POST /api-keys → 201: key ${String(created.body['prefix'])}_… (shown once; scopes ${JSON.stringify(created.body['scopes'])})`,
  );

  const jobs = await call('GET', '/jobs?status=scheduled&pageSize=3', key);
  const items =
    (jobs.body['items'] as { jobId: string; title: string; scheduledStart: string | null }[] | undefined) ??
    [];
  say(
    `  GET /jobs?status=scheduled&pageSize=3 → ${jobs.status}: ${String(jobs.body['total'])} scheduled jobs`,
  );
  for (const job of items) say(`    ${job.jobId}  ${job.scheduledStart ?? '(unscheduled)'}  ${job.title}`);

  const clients = await call('GET', '/clients?pageSize=1', key);
  const client = (
    clients.body['items'] as
      { clientId: string; displayName: string; properties: { propertyId: string }[] }[] | undefined
  )?.[0];
  const propertyId = client?.properties[0]?.propertyId;
  if (!client || !propertyId) {
    say(`  GET /clients?pageSize=1 → ${clients.status}: no client with a property to book`);
    return { ok: false, replayed: false };
  }
  const day = 86_400_000;
  const body = {
    clientId: client.clientId,
    propertyId,
    title: `REST demo visit ${options.runId}`,
    scheduledStart: new Date(Math.floor(Date.now() / day) * day + 300 * day + 15 * 3_600_000).toISOString(),
    durationMinutes: 60,
  };
  const idempotencyKey = `demo-${options.runId}-job`;
  const first = await call('POST', '/jobs', key, body, idempotencyKey);
  say(
    `  POST /jobs (Idempotency-Key: ${idempotencyKey}) for ${client.displayName} → ${first.status} ${JSON.stringify(first.body)}`,
  );
  const replay = await call('POST', '/jobs', key, body, idempotencyKey);
  const replayed = replay.headers.get('idempotent-replayed') === 'true';
  say(
    `  POST /jobs again with the same key → ${replay.status}, Idempotent-Replayed: ${String(replay.headers.get('idempotent-replayed'))}, ${
      JSON.stringify(replay.body) === JSON.stringify(first.body) ? 'the same answer' : 'ANOTHER answer'
    }`,
  );
  return {
    ok:
      first.status === 201 &&
      replay.status === 201 &&
      replayed &&
      JSON.stringify(replay.body) === JSON.stringify(first.body),
    replayed,
  };
}
