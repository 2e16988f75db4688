import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { createDatabase } from '@fieldsync/persistence';
import { deleteStreamsWithPrefix, getTestServices, uniqueStreamPrefix } from '@fieldsync/testing';
import { sql } from 'kysely';
import { shortId } from './demo-extractor';

/*
 * `npm run demo` as a user runs it: every app starts and reports ready, the four sandbox vendors with a
 * connector (ServiceTitan, Jobber, Housecall Pro: its SMS code through the MFA relay; Workiz: a code by
 * email) are connected and backfilled with progress to "N of N", a webhook receiver is registered for the tenant's
 * change events, each vendor takes a create → dispatch → complete → invoice → payment command sequence
 * through the writer (and a repeated payment is replayed), the receiver gets those real changes signed,
 * live changes stream from FSM_EVENTS, and everything stops cleanly. A smaller sandbox world and a
 * shorter live phase keep it quick.
 */

jest.setTimeout(300_000);

/** The vendors the demo connects, in the connector registry's order. */
const VENDORS = ['servicetitan', 'jobber', 'housecallpro', 'workiz', 'tom'] as const;
const ANY_VENDOR = `(${VENDORS.join('|')})`;
const LIVE_LINE = new RegExp(
  `^ {2}\\d\\d:\\d\\d:\\d\\d {2}${ANY_VENDOR} +([a-z_]+\\.[a-z_]+) +([a-z_]+) (\\S+)`,
  'gm',
);
const num = (text: string | undefined): number => Number((text ?? '').replace(/,/g, ''));

/** Where the demo keeps its data for a server URL (demo.ts: the `fieldsync_demo` database there). */
function demoDatabaseUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.pathname.length > 1 && url.pathname !== '/postgres') return serverUrl;
  url.pathname = '/fieldsync_demo';
  return url.toString();
}

describe('npm run demo', () => {
  const prefix = uniqueStreamPrefix('demo');
  afterAll(() => deleteStreamsWithPrefix(prefix));

  it('starts every service, connects and backfills every vendor, runs commands, streams live changes, stops cleanly', async () => {
    const { databaseUrl, natsUrl } = getTestServices();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/demo/demo.ts', '--live-seconds=8'],
      {
        cwd: resolve(__dirname, '../..'),
        timeout: 290_000,
        env: {
          PATH: process.env['PATH'] ?? '',
          DATABASE_URL: databaseUrl,
          NATS_URL: natsUrl,
          FIELDSYNC_STREAM_PREFIX: prefix,
          FIELDSYNC_DEMO_FREE_PORTS: '1',
          // A smaller world than the default 3,000: Jobber's query-cost budget paces its backfill.
          SANDBOX_SIZE: '500',
        },
      },
    );
    for (const app of [
      'vendor-sandbox',
      'session-manager',
      'extractor',
      'writer',
      'webhook-dispatcher',
      'api',
    ]) {
      expect(stdout).toMatch(new RegExp(`^${app} +http://127\\.0\\.0\\.1:\\d+ +\\d+ +ready `, 'm'));
      expect(stdout).toContain(`  ${app}: stopped cleanly`);
    }
    expect(stdout).toContain('all 6 apps ready');
    expect(stdout).toMatch(/^api .*postgres up, nats up/m);
    expect(stdout).toMatch(/^ {2}ServiceTitan +http:\/\/127\.0\.0\.1:\d+\/login$/m);
    expect(stdout).toMatch(/^ {2}Jobber +http:\/\/127\.0\.0\.1:\d+\/login$/m);
    // Both sandbox vendors connected and logged in through the session manager (real Chromium).
    expect(stdout).toMatch(/^servicetitan +st\.admin +con_\w+ +logged in +Avery Admin /m);
    expect(stdout).toMatch(/^jobber +owner@greenleaf-hvac\.example +con_\w+ +logged in +Olive Owner /m);
    // Housecall Pro: the SMS code of this sign-in, through the MFA relay.
    expect(stdout).toMatch(
      /^housecallpro +owner@brightside-plumbing\.example +con_\w+ +logged in +Hana Owner /m,
    );
    // Workiz: the office manager's code by email, through the MFA relay.
    expect(stdout).toMatch(/^workiz +office@workiz\.sandbox\.example +con_\w+ +logged in +Olga Office /m);
    // Total Office Manager: its administrator, through Chromium, on one licensed seat.
    expect(stdout).toMatch(/^tom +tomrds\\admin01 +con_\w+ +logged in +Ada Admin /m);

    // Backfill: one final line per vendor, every stream caught up and every record the vendor holds
    // stored ("N of N": the total counts what becomes a canonical record); without a TTY, progress lines
    // at most every few seconds rather than one a second.
    const backfilled = new Map<string, number>();
    for (const vendor of VENDORS) {
      const streams = CONNECTORS.get(vendor).readSide.streams.length;
      const done = new RegExp(
        `^ {2}${vendor} +([\\d,]+) of ([\\d,]+) records stored, all ${streams} streams caught up in ([\\d.]+) s \\(`,
        'm',
      ).exec(stdout);
      expect(done).not.toBeNull();
      expect(num(done?.[1])).toBeGreaterThan(0);
      expect(num(done?.[1])).toBe(num(done?.[2]));
      backfilled.set(vendor, num(done?.[1]));
      const progress = stdout.match(new RegExp(`^ {2}${vendor} +[\\d,]+ of [\\d,]+ records stored `, 'gm'));
      expect(progress?.length ?? 0).toBeLessThanOrEqual(Math.ceil(num(done?.[3]) / 5) + 2);
    }
    expect(stdout).toMatch(
      /^ {2}outbox: [\d,]+ change events published to \w+_FSM_EVENTS, every consumer caught up$/m,
    );

    // Commands: the whole sequence succeeded for each vendor, each result followed by its change events.
    const COMMAND_LINE = new RegExp(
      `^ {2}${ANY_VENDOR} +([a-z.]+) +(succeeded|replayed|failed|rejected|NO RESULT) +[\\d.]+ s {2}(.*)$`,
      'gm',
    );
    const commandLines = [...stdout.matchAll(COMMAND_LINE)].map((m) => ({
      vendor: m[1] ?? '',
      type: m[2] ?? '',
      status: m[3] ?? '',
      result: m[4] ?? '',
    }));
    const sequence = [
      'client.create',
      'job.create',
      'job.dispatch',
      'job.status.update',
      'invoice.create',
      'payment.record',
    ];
    for (const vendor of VENDORS) {
      const lines = commandLines.filter((l) => l.vendor === vendor && l.status !== 'replayed');
      expect(lines.map((l) => `${l.type} ${l.status}`)).toEqual(sequence.map((t) => `${t} succeeded`));
      const completed = lines.find((l) => l.type === 'job.status.update')?.result;
      expect(completed).toMatch(/^job job_\w+ completed \(vendor: [\w ]+\)$/);
      // The payment of 100.00 lowered the invoice's balance by exactly that.
      const invoice = /^invoice inv_\w+ #\S+, total USD ([\d.]+), balance USD ([\d.]+)$/.exec(
        lines.find((l) => l.type === 'invoice.create')?.result ?? '',
      );
      const payment = /^payment (pay_\w+) \w+, applied USD 100\.00, balance USD ([\d.]+)$/.exec(
        lines.find((l) => l.type === 'payment.record')?.result ?? '',
      );
      expect(invoice?.[1]).toBe(invoice?.[2]);
      expect(num(payment?.[2])).toBeCloseTo(num(invoice?.[1]) - 100, 2);
    }
    // The same payment again under its key: the stored result, replayed, the same payment id.
    const replayed = commandLines.filter((l) => l.status === 'replayed');
    expect(replayed).toHaveLength(1);
    const firstPayment = commandLines.find(
      (l) => l.vendor === replayed[0]?.vendor && l.type === 'payment.record' && l.status === 'succeeded',
    );
    expect(replayed[0]?.result).toBe(firstPayment?.result);
    expect(stdout).toMatch(/^ {18}no change events: the stored result, the vendor was not called again$/m);
    // The REST API at the end: a key, a filtered list, a job created with an Idempotency-Key and replayed.
    expect(stdout).toMatch(/^ {2}POST \/api-keys → 201: key fsk_[a-z2-7]{12}_… /m);
    expect(stdout).toMatch(/^ {2}GET \/jobs\?status=scheduled&pageSize=3 → 200: \d+ scheduled jobs$/m);
    expect(stdout).toMatch(
      /^ {2}POST \/jobs \(Idempotency-Key: demo-\w+-job\) for .+ → 201 \{"jobId":"job_\w+"/m,
    );
    expect(stdout).toMatch(
      /^ {2}POST \/jobs again with the same key → 201, Idempotent-Replayed: true, the same answer$/m,
    );
    const commandsSummary = new RegExp(
      `^ {2}commands: ${VENDORS.map((v) => `${v} 6 of 6 succeeded`).join(', ')}; payment re-sent under its key: replayed \\(the stored result, no second payment\\); (\\d+) change events from the writer, (\\d+) delivered to the webhook receiver, signature verified \\(and \\d+ from the extractor's polls meanwhile`,
      'm',
    ).exec(stdout);
    expect(commandsSummary).not.toBeNull();
    // Every event listed under a command is counted, and each reached the receiver verified.
    expect(num(commandsSummary?.[1])).toBeGreaterThan(0);
    expect(stdout.match(/^ {18}→ [a-z_]+\.[a-z_]+ +[a-z]+_\w+/gm)?.length).toBe(num(commandsSummary?.[1]));
    expect(commandsSummary?.[2]).toBe(commandsSummary?.[1]);
    // After the commands: what the receiver got is those real changes (the writer's and the extractor's
    // polls'), every signature verified, each event one of the change log, the types adding up.
    const hooks =
      /^ {2}webhooks: (\d+) deliveries to (ep_\w+) \((\d+) events: ([^)]*)\); all (\d+) signatures verified \(Standard Webhooks\), each one a change event of the change log$/m.exec(
        stdout,
      );
    expect(hooks).not.toBeNull();
    expect(num(hooks?.[1])).toBeGreaterThanOrEqual(num(commandsSummary?.[1]));
    expect(num(hooks?.[5])).toBe(num(hooks?.[1]));
    const byType = (hooks?.[4] ?? '').split(', ').map((t) => /^([a-z_]+\.[a-z_]+) (\d+)$/.exec(t));
    expect(byType.every((t) => t !== null)).toBe(true);
    expect(byType.reduce((sum, t) => sum + num(t?.[2]), 0)).toBe(num(hooks?.[1]));
    const runKey = /under its idempotency key demo-([0-9a-f]+)-/.exec(stdout)?.[1];
    expect(runKey).toBeDefined();

    // Live: every line is an event the extractor wrote to the outbox, and the summary counts them all,
    // each delivered to the webhook receiver with a verified signature.
    const live = [...stdout.matchAll(LIVE_LINE)].map((m) => ({
      vendor: m[1] ?? '',
      type: m[2] ?? '',
      entity: m[3] ?? '',
      id: m[4] ?? '',
    }));
    expect(live.length).toBeGreaterThan(0);
    expect(stdout).not.toContain('INVALID');
    const summary = new RegExp(
      `^summary: backfilled ${VENDORS.map((v) => `${v} ([\\d,]+) of [\\d,]+`).join(' and ')} records in [\\d.]+ s; commands ${6 * VENDORS.length} of ${6 * VENDORS.length} succeeded, the payment re-sent under its key replayed; live [\\d.]+ s: (\\d+) change events \\(${VENDORS.map((v) => `${v} (\\d+)`).join(', ')}\\), (\\d+) of them delivered to the webhook receiver, signature verified; webhooks: (\\d+) deliveries of (\\d+) events, every signature verified, each a change event of the change log$`,
      'm',
    ).exec(stdout);
    expect(summary).not.toBeNull();
    const n = VENDORS.length;
    expect(VENDORS.map((_, i) => num(summary?.[1 + i]))).toEqual(VENDORS.map((v) => backfilled.get(v)));
    expect(num(summary?.[n + 1])).toBe(live.length);
    expect(VENDORS.map((_, i) => num(summary?.[n + 2 + i]))).toEqual(
      VENDORS.map((v) => live.filter((l) => l.vendor === v).length),
    );
    expect(num(summary?.[2 * n + 2])).toBe(live.length);
    // Every delivery of the run: those after the commands and the live ones, at least.
    expect(num(summary?.[2 * n + 3])).toBeGreaterThanOrEqual(num(hooks?.[1]) + live.length);

    // The store behind the numbers (the demo leaves it until its next run).
    const db = createDatabase({ url: demoDatabaseUrl(databaseUrl) });
    try {
      const cursors = await sql<{ vendor: string; streams: number; caught_up: number }>`
        select c.vendor, count(*)::int as streams, count(s.last_success_at)::int as caught_up
        from sync_cursors s join connections c on c.id = s.connection_id
        where c.tenant_id = 'tn_demo' group by c.vendor order by c.vendor`.execute(db);
      expect(cursors.rows).toEqual(
        [...VENDORS].sort().map((vendor) => ({
          vendor,
          streams: CONNECTORS.get(vendor).readSide.streams.length,
          caught_up: CONNECTORS.get(vendor).readSide.streams.length,
        })),
      );
      // This run's keys: six per vendor, each completed (the replay made none: it found the stored one),
      // and the three payments the commands recorded are in the canonical store, one per vendor.
      const keys = await sql<{ type: string; state: string; n: number }>`
        select type, state, count(*)::int as n from idempotency_keys
        where tenant_id = 'tn_demo' and key like ${`demo-${runKey ?? '-'}-%`}
        group by type, state order by type`.execute(db);
      expect(keys.rows).toEqual(
        [...sequence].sort().map((type) => ({ type, state: 'completed', n: VENDORS.length })),
      );
      const payments = await sql<{ vendor: string; n: number }>`
        select c.vendor, count(*)::int as n from payments p join connections c on c.id = p.connection_id
        where c.tenant_id = 'tn_demo' and p.id = any(${commandLines
          .filter((l) => l.type === 'payment.record')
          .map((l) => /^payment (pay_\w+)/.exec(l.result)?.[1] ?? '')}::text[])
        group by c.vendor order by c.vendor`.execute(db);
      expect(payments.rows).toEqual([...VENDORS].sort().map((vendor) => ({ vendor, n: 1 })));
      const events = await sql<{ vendor: string; type: string; external_id: string | null }>`
        select c.vendor, e.type, e.payload::jsonb->'data'->'object'->>'externalId' as external_id
        from change_events e join connections c on c.id = e.connection_id
        where c.tenant_id = 'tn_demo' and e.published_at is not null`.execute(db);
      const outbox = new Set(
        events.rows.map(
          (e) => `${e.vendor} ${e.type} ${e.external_id === null ? '' : shortId(e.external_id)}`,
        ),
      );
      for (const line of live) {
        expect(line.type.startsWith(`${line.entity}.`)).toBe(true);
        expect(outbox.has(`${line.vendor} ${line.type} ${line.id}`)).toBe(true);
      }
      // The demo's endpoint: the tenant's change events of its connections (one per vendor); every message the
      // dispatcher recorded for it (one per event, before delivering it) is an event of the change log.
      const endpoints = await sql<{ id: string; event_types: string[] | null; connections: number }>`
        select e.id, e.event_types, cardinality(e.connection_ids)::int as connections
        from webhook_endpoints e where e.tenant_id = 'tn_demo'`.execute(db);
      expect(endpoints.rows).toHaveLength(1);
      expect(endpoints.rows[0]?.id).toBe(hooks?.[2]);
      expect(endpoints.rows[0]?.event_types).toContain('job.*');
      expect(endpoints.rows[0]?.connections).toBe(VENDORS.length);
      const messages = await sql<{ messages: number; logged: number }>`
        select count(*)::int as messages, count(c.id)::int as logged
        from webhook_messages m left join change_events c on c.id = m.event_id and c.tenant_id = m.tenant_id
        where m.endpoint_id = ${hooks?.[2] ?? ''}`.execute(db);
      expect(messages.rows[0]?.logged).toBe(messages.rows[0]?.messages);
      expect(messages.rows[0]?.messages).toBeGreaterThanOrEqual(num(summary?.[2 * n + 4]));
    } finally {
      await db.destroy();
    }
  });
});
