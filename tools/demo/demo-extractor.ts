/*
 * The demo's extractor steps, after the sandbox vendors are connected:
 *
 * 1. Backfill: watches the extractor fill the canonical store from the sandbox, about once a second,
 *    one line per vendor (records stored of the records to store, rate, ETA, streams caught up) until
 *    every stream of every connection has caught up. The numbers are the extractor's own: the canonical
 *    rows it committed (page by page, each in one transaction), `sync_cursors` (when it took each stream
 *    up, which ones caught up, which are running or failing) and, at the end, its `/metrics`. What there
 *    is to store comes from the vendor: the sandbox's ground truth of each portal (every record it holds,
 *    inactive and deleted ones included, as the store keeps tombstones), less the vendor resources that
 *    are not canonical records of their own (NOT_OWN_RECORDS), so a complete backfill ends at "N of N".
 *    Then it waits until the outbox relay has published every change event and every durable consumer of
 *    FSM_EVENTS has caught up, so what follows is live.
 * 2. Live changes: starts the sandbox's activity clock and prints each change event from FSM_EVENTS as
 *    it arrives (an ordered consumer from "now"), one line each, then stops the clock.
 *
 * Both steps end early when the demo is interrupted (Ctrl-C), with what they saw so far.
 */
import {
  changeEventSchema,
  operationalEventSchema,
  type ChangeEvent,
  type Vendor,
} from '@fieldsync/canonical-model';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { connectNats, eventsFilter, streamName, withPrefix } from '@fieldsync/messaging';
import type { DB } from '@fieldsync/persistence';
import type { WebhookReceiver } from '@fieldsync/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { sql, type Kysely } from 'kysely';

/** The read sides the extractor syncs, from the connector registry: their streams and default intervals. */
const READ_SIDES: ReadonlyMap<Vendor, ConnectorReadSide> = new Map(
  CONNECTORS.connectors.map((c) => [c.descriptor.vendor, c.readSide]),
);

/**
 * How often the demo's extractor polls each stream (see demoExtractorEnv). Jobber's streams share one
 * query-cost budget (500 points a second come back), so they poll less often, and those it polls
 * rarely in production (properties, users, payment records, products: each run reads them whole) keep
 * their intervals, or they would spend the budget the others need to show changes.
 */
const DEMO_STREAM_INTERVALS: Readonly<Record<string, { every: string; upToDefaultMs: number }>> = {
  servicetitan: { every: '2s', upToDefaultMs: Number.POSITIVE_INFINITY },
  jobber: { every: '5s', upToDefaultMs: 2 * 60_000 },
  // Housecall Pro's API allows 300 requests a minute (the sandbox's figure): its lists every 5 s, the
  // employees (read whole) and the schedule window keep their intervals.
  housecallpro: { every: '5s', upToDefaultMs: 2 * 60_000 },
  // Workiz's API allows 200 requests per 10 s (the sandbox's figure): its lists every 5 s; the team and
  // the pricebook (15 min, read whole each pass) keep their intervals.
  workiz: { every: '5s', upToDefaultMs: 5 * 60_000 },
  // TOM's grids (scraped HTML, no API limit in the sandbox) every 3 s.
  tom: { every: '3s', upToDefaultMs: Number.POSITIVE_INFINITY },
};
const PROGRESS_EVERY_MS = 1_000;
const RATE_WINDOW_MS = 15_000;
/** Without a TTY (CI, the demo's own test) a progress line per vendor at most this often. */
const PLAIN_PROGRESS_EVERY_MS = 5_000;
/** The backfill gives up when nothing moved for this long (no record stored, no stream caught up). */
const STALL_TIMEOUT_MS = 90_000;
const QUIET_TIMEOUT_MS = 60_000;
/**
 * The activity clock during the live phase: a wall second is a simulated minute, with 2 activity events
 * per simulated minute on each portal, so about 2 world changes a second per vendor. One change often
 * touches several records (a job, its appointment and invoice, the customer's balance ...).
 */
const ACTIVITY = { speed: 60, ratePerMinute: 2 } as const;

export interface DemoVendorConnection {
  readonly vendor: string;
  readonly connectionId: string;
}

type Say = (line: string) => void;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((done) => {
    if (signal?.aborted) {
      done();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      done();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The extractor's environment in the demo: new connections are picked up within a second (the default
 * looks every 30 s), and every ServiceTitan stream is polled every 2 s and Jobber's jobs, clients,
 * invoices, quotes and requests every 5 s instead of their production intervals (15 s for jobs up to an
 * hour for the pricebook), so a sandbox change shows up as an event within seconds. Reconciliation passes keep their default (6 h): Jobber deletes surface only there.
 */
export function demoExtractorEnv(): Record<string, string> {
  const intervals = [...READ_SIDES].flatMap(([vendor, side]) => {
    const demo = DEMO_STREAM_INTERVALS[vendor];
    if (!demo) return [];
    return side.streams
      .filter((s) => s.intervalMs <= demo.upToDefaultMs)
      .map((s) => `${vendor}.${s.stream}=${demo.every}`);
  });
  return { EXTRACTOR_CONNECTIONS_REFRESH: '1s', EXTRACTOR_STREAM_INTERVALS: intervals.join(',') };
}

/**
 * Starts the demo tenant afresh: removes its connections (with them, by cascade, their cursors,
 * canonical rows, outbox and sessions) and its webhook endpoints. The sandbox regenerates its world at
 * every start, so what an earlier run stored no longer matches it, and an earlier run's endpoint points
 * at a receiver that is gone. Runs before the services start, so none of them holds any of it.
 */
export async function resetDemoTenant(
  db: Kysely<DB>,
  tenantId: string,
): Promise<{ connections: number; endpoints: number }> {
  return db.transaction().execute(async (trx) => {
    const endpoints = await sql`delete from webhook_endpoints where tenant_id = ${tenantId}`.execute(trx);
    const connections = await sql`delete from connections where tenant_id = ${tenantId}`.execute(trx);
    return {
      connections: Number(connections.numAffectedRows ?? 0n),
      endpoints: Number(endpoints.numAffectedRows ?? 0n),
    };
  });
}

/**
 * Resources of a vendor's ground truth (`GET /__sandbox/world/export/:entity`) that do not become
 * canonical records of their own, with the reason: the backfill's total leaves them out, so that it
 * counts what the store will hold. Every other resource is one canonical record per row (tombstones of
 * deleted rows included). When a connector starts reading one of these (or stops reading another), a
 * complete backfill no longer ends at "N of N" and its final line shows the difference.
 */
const NOT_OWN_RECORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  servicetitan: {
    // One row per technician on an appointment: the appointment's `technicianIds`.
    'appointment-assignments': "kept in their appointments' technicianIds",
    // The office staff; the connector reads technicians (`settings/technicians`), not employees.
    employees: 'office staff; the connector reads technicians',
    // The tenant's tag names, which jobs carry by id: the connector writes them into the jobs' tags.
    'tag-types': "the names in jobs' tags",
  },
  housecallpro: {
    // The campaigns customers and jobs name; the connector keeps the name on them.
    lead_sources: "the names in customers' and jobs' lead source",
    tags: "the names in customers' and jobs' tags",
    // The price book's category tree: the connector walks it and keeps each material's path as its category.
    material_categories: "the path in materials' category",
  },
  workiz: {
    // The zip codes of the account's areas: no canonical record names them.
    service_areas: 'the zip codes of the account; no canonical record',
  },
  tom: {
    // Serialized units and accounting periods: TOM's own, no canonical entity (periods gate dated writes).
    serials: 'serialized units; no canonical record',
    periods: 'accounting periods, checked before dated writes; no canonical record',
    // The zones an item is priced in: the connector keeps each zone's name on the item's zone prices.
    'pricing-zones': "the names in items' zonePrices",
  },
};

/**
 * Canonical records a vendor's export nests in another resource's rows, per resource: each row counts
 * for them too (a negative count: a row that is not a record of its own, only its nested ones are).
 * Housecall Pro's customers carry their service addresses (locations), its invoices their payments.
 */
const NESTED_RECORDS: Readonly<
  Record<string, Readonly<Record<string, (row: Record<string, unknown>) => number>>>
> = {
  housecallpro: {
    customers: (row) =>
      ((row['addresses'] as { type?: unknown }[] | undefined) ?? []).filter((a) => a.type === 'service')
        .length,
    invoices: (row) => ((row['payments'] as unknown[] | undefined) ?? []).length,
  },
  // Workiz: a client carries its service locations; a job is also its appointment (its schedule and team);
  // an SMS thread is one communication per text, not one for the thread.
  workiz: {
    clients: (row) => ((row['service_locations'] as unknown[] | undefined) ?? []).length,
    jobs: () => 1,
    threads: (row) => ((row['messages'] as unknown[] | undefined) ?? []).length - 1,
  },
  // TOM: a work order with a start is also its appointment.
  tom: {
    workorders: (row) => ((row['fields'] as Record<string, string> | undefined)?.['Start'] ? 1 : 0),
  },
};

/** What one vendor portal of the sandbox holds, and how much of it becomes canonical records. */
export interface VendorHoldings {
  /** Every row of every resource the portal exports. */
  readonly rows: number;
  /** The canonical records those rows make: what a complete backfill stores. */
  readonly records: number;
  /** The resources left out of `records`, with their rows and why. */
  readonly leftOut: readonly { readonly resource: string; readonly rows: number; readonly why: string }[];
}

const getJson = async <T>(url: string): Promise<T> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
};

/** What one vendor portal holds (its own export, inactive and deleted rows included). */
export async function portalHoldings(vendor: string, portalUrl: string): Promise<VendorHoldings> {
  const world = await getJson<{ entities: string[] }>(`${portalUrl}/__sandbox/world`);
  const notOwn = NOT_OWN_RECORDS[vendor] ?? {};
  let rows = 0;
  let records = 0;
  const leftOut: { resource: string; rows: number; why: string }[] = [];
  for (const entity of world.entities) {
    const { count, data } = await getJson<{ count: number; data: Record<string, unknown>[] }>(
      `${portalUrl}/__sandbox/world/export/${encodeURIComponent(entity)}`,
    );
    rows += count;
    const why = notOwn[entity];
    if (why === undefined) records += count;
    else leftOut.push({ resource: entity, rows: count, why });
    const nested = NESTED_RECORDS[vendor]?.[entity];
    if (nested) records += data.reduce((sum, row) => sum + nested(row), 0);
  }
  return { rows, records, leftOut };
}

/** What each vendor portal of the sandbox with a connector holds. */
async function vendorHoldings(sandboxUrl: string): Promise<Map<string, VendorHoldings>> {
  const index = await getJson<{ portals: { vendor: string; url: string }[] }>(`${sandboxUrl}/__sandbox/`);
  const holdings = new Map<string, VendorHoldings>();
  for (const portal of index.portals) {
    if (!READ_SIDES.has(portal.vendor as Vendor)) continue;
    holdings.set(portal.vendor, await portalHoldings(portal.vendor, portal.url));
  }
  return holdings;
}

/**
 * The change event types the connections produce: `<entity>.*` for every entity their streams read
 * (what the demo's webhook endpoint subscribes to).
 */
export function changeEventTypes(connections: readonly DemoVendorConnection[]): string[] {
  const entities = new Set(
    connections.flatMap((c) => READ_SIDES.get(c.vendor as Vendor)?.streams.flatMap((s) => s.entities) ?? []),
  );
  return [...entities].sort().map((entity) => `${entity}.*`);
}

interface CursorProgress {
  /** Since the extractor created the connection's first cursor (its own clock, the database's). */
  readonly elapsedMs: number;
  /** From the first cursor's creation to the last caught-up run. */
  readonly caughtUpAfterMs: number | null;
  readonly streams: number;
  readonly caughtUp: number;
  readonly running: number;
  readonly records: number;
  readonly failing: number;
  readonly lastError: string | null;
}

async function cursorProgress(
  db: Kysely<DB>,
  tenantId: string,
  connectionIds: readonly string[],
): Promise<Map<string, CursorProgress>> {
  const result = await sql<{
    connection_id: string;
    elapsed_ms: number;
    caught_up_after_ms: number | null;
    streams: number;
    caught_up: number;
    running: number;
    records: number;
    failing: number;
    last_error: string | null;
  }>`
    select connection_id, (extract(epoch from now() - min(created_at)) * 1000)::float8 as elapsed_ms,
      (extract(epoch from max(last_success_at) - min(created_at)) * 1000)::float8 as caught_up_after_ms,
      count(*)::int as streams, count(last_success_at)::int as caught_up,
      count(lease_owner)::int as running, coalesce(sum(records_synced), 0)::float8 as records,
      count(*) filter (where consecutive_failures > 0)::int as failing,
      (array_agg(entity_type || ': ' || last_error order by last_error_at desc)
        filter (where consecutive_failures > 0))[1] as last_error
    from sync_cursors
    where tenant_id = ${tenantId} and connection_id = any(${[...connectionIds]}::text[])
    group by connection_id`.execute(db);
  return new Map(
    result.rows.map((r) => [
      r.connection_id,
      {
        elapsedMs: r.elapsed_ms,
        caughtUpAfterMs: r.caught_up_after_ms,
        streams: r.streams,
        caughtUp: r.caught_up,
        running: r.running,
        records: r.records,
        failing: r.failing,
        lastError: r.last_error,
      },
    ]),
  );
}

/** Prometheus text → samples (name, labels, value). */
function parseMetrics(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (label[1] !== undefined && label[2] !== undefined) labels[label[1]] = label[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * Streams that read records another stream of the connector owns (what they read but do not reconcile,
 * where a second stream reconciles it): `servicetitan's appointment-assignments re-reads appointment`.
 * Their reads count in the extractor's "records read" once more than in the store.
 */
function rereads(connections: readonly DemoVendorConnection[]): string[] {
  return connections.flatMap((c) => {
    const streams = READ_SIDES.get(c.vendor as Vendor)?.streams ?? [];
    const owned = (s: (typeof streams)[number]): readonly string[] => s.reconciles ?? s.entities;
    return streams.flatMap((s) => {
      const again = s.entities.filter(
        (e) => !owned(s).includes(e) && streams.some((other) => other !== s && owned(other).includes(e)),
      );
      return again.length === 0 ? [] : [`${c.vendor}'s ${s.stream} re-reads ${again.join(', ')}`];
    });
  });
}

/** One line of the extractor's /metrics about the backfill just watched. */
async function metricsLine(
  extractorUrl: string,
  connections: readonly DemoVendorConnection[],
): Promise<string> {
  try {
    const res = await fetch(`${extractorUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const samples = parseMetrics(await res.text());
    const sum = (name: string, match: (labels: Record<string, string>) => boolean): number =>
      samples.filter((s) => s.name === name && match(s.labels)).reduce((n, s) => n + s.value, 0);
    const backfilled = connections
      .map(
        (c) =>
          `${c.vendor} ${fmt(sum('fsm_extractor_backfill_records', (l) => l['connection_id'] === c.connectionId))}`,
      )
      .join(', ');
    const again = rereads(connections);
    const vendors = new Set(connections.map((c) => c.vendor));
    const events = sum('fsm_extractor_events_total', (l) => vendors.has(l['vendor'] ?? ''));
    const retries = sum('fsm_extractor_vendor_retries_total', (l) => vendors.has(l['vendor'] ?? ''));
    return (
      `  extractor /metrics (last pass of each stream): records read ${backfilled}` +
      (again.length > 0 ? ` (a record two streams read counts twice: ${again.join('; ')})` : '') +
      `; events appended ${fmt(events)}; vendor calls retried ${fmt(retries)}`
    );
  } catch (error) {
    return `  extractor /metrics unavailable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Redraws a block of lines in place on a terminal; elsewhere prints it at most every few seconds. */
class ProgressBlock {
  private drawn = 0;
  private lastPrinted = 0;

  constructor(
    private readonly tty: boolean,
    private readonly say: Say,
  ) {}

  private readonly printed = new Set<string>();

  /** `settled` lines no longer change: without a TTY each is printed once, as soon as it appears. */
  update(lines: readonly { text: string; settled: boolean }[], final = false): void {
    if (this.tty) {
      const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
      process.stdout.write(up + lines.map((line) => `\x1b[2K${line.text}\n`).join(''));
      this.drawn = lines.length;
      return;
    }
    const now = Date.now();
    const due = final || now - this.lastPrinted >= PLAIN_PROGRESS_EVERY_MS;
    if (due) this.lastPrinted = now;
    for (const line of lines) {
      if (line.settled ? this.printed.has(line.text) : !due) continue;
      this.printed.add(line.text);
      this.say(line.text);
    }
  }
}

export interface BackfillOptions {
  readonly db: Kysely<DB>;
  readonly tenantId: string;
  readonly connections: readonly DemoVendorConnection[];
  /** The sandbox's main port URL (its index lists the portals). */
  readonly sandboxUrl: string;
  readonly extractorUrl: string;
  readonly natsUrl: string;
  readonly prefix: string;
  readonly tty: boolean;
  /** Aborted when the demo is interrupted (Ctrl-C): the step ends with what it saw so far. */
  readonly signal?: AbortSignal;
  readonly say: Say;
}

export interface BackfillResult {
  /** Every stream caught up and every event went out (false when interrupted). */
  readonly ok: boolean;
  /** Interrupted before every stream caught up and the outbox was quiet. */
  readonly interrupted: boolean;
  readonly ms: number;
  /** Canonical records stored per vendor (when every stream caught up, or when it stopped). */
  readonly records: ReadonlyMap<string, number>;
  /** The records to store per vendor (VendorHoldings.records); none when the sandbox could not say. */
  readonly totals: ReadonlyMap<string, number>;
  readonly events: number;
}

/** The canonical-store tables (every one carries `content_hash`), read from the migrated schema. */
export async function canonicalTables(db: Kysely<DB>): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where column_name = 'content_hash' and table_schema = current_schema() order by table_name`.execute(db);
  return result.rows.map((r) => r.table_name);
}

/** Canonical rows stored per connection (tombstones included, as the vendor's own count includes them). */
export async function storedRows(
  db: Kysely<DB>,
  tables: readonly string[],
  tenantId: string,
  connectionIds: readonly string[],
): Promise<Map<string, number>> {
  if (tables.length === 0) return new Map();
  const union = sql.join(
    tables.map(
      (table) =>
        sql`select connection_id from ${sql.table(table)} where tenant_id = ${tenantId} and connection_id = any(${[...connectionIds]}::text[])`,
    ),
    sql` union all `,
  );
  const result = await sql<{ connection_id: string; rows: number }>`
    select connection_id, count(*)::int as rows from (${union}) stored group by connection_id`.execute(db);
  return new Map(result.rows.map((r) => [r.connection_id, r.rows]));
}

/** `2,579 of 2,579 records stored`, saying so when the store holds more or fewer than the vendor's records. */
function storedOf(stored: number, total: number | undefined, final: boolean): string {
  if (total === undefined) return `${fmt(stored).padStart(7)} records stored`;
  const head = `${fmt(stored).padStart(7)} of ${fmt(total)} records stored`;
  if (!final || stored === total) return head;
  const diff = Math.abs(stored - total);
  return `${head} (${fmt(diff)} ${stored < total ? 'fewer' : 'more'} than the vendor's records: drift reports and .fieldsync/logs/extractor.log say why)`;
}

/**
 * Shows the backfill of every connection until each of its streams caught up: records stored so far of
 * the records the vendor's data makes, the rate over the last seconds, an ETA, and the streams caught up.
 */
export async function showBackfill(o: BackfillOptions): Promise<BackfillResult> {
  const ids = o.connections.map((c) => c.connectionId);
  const [holdings, tables] = await Promise.all([
    vendorHoldings(o.sandboxUrl).catch((error: unknown) => {
      o.say(
        `  what the vendors hold is unavailable (${error instanceof Error ? error.message : String(error)}): records stored without a total`,
      );
      return new Map<string, VendorHoldings>();
    }),
    canonicalTables(o.db),
  ]);
  const totals = new Map([...holdings].map(([vendor, h]) => [vendor, h.records]));
  for (const c of o.connections) {
    const h = holdings.get(c.vendor);
    if (!h || h.leftOut.length === 0) continue;
    o.say(
      `  ${c.vendor} holds ${fmt(h.rows)} rows, ${fmt(h.records)} of them records of their own; not counted: ${h.leftOut
        .map((l) => `${fmt(l.rows)} ${l.resource} (${l.why})`)
        .join(', ')}`,
    );
  }
  const expected = new Map(
    o.connections.map((c) => [c.connectionId, READ_SIDES.get(c.vendor as Vendor)?.streams.length ?? 0]),
  );
  const finished = new Map<string, { ms: number; rows: number }>();
  const history: { at: number; rows: ReadonlyMap<string, number> }[] = [];
  const block = new ProgressBlock(o.tty, o.say);
  let lastMove = Date.now();
  let lastSignature = '';
  let rows = new Map<string, number>();
  const byVendor = (): Map<string, number> =>
    new Map(
      o.connections.map((c) => [
        c.vendor,
        finished.get(c.connectionId)?.rows ?? rows.get(c.connectionId) ?? 0,
      ]),
    );
  const interrupted = (): BackfillResult => ({
    ok: false,
    interrupted: true,
    ms: 0,
    records: byVendor(),
    totals,
    events: 0,
  });

  for (;;) {
    const [cursors, stored] = await Promise.all([
      cursorProgress(o.db, o.tenantId, ids),
      storedRows(o.db, tables, o.tenantId, ids),
    ]);
    rows = stored;
    const now = Date.now();
    history.push({ at: now, rows });
    while (history.length > 0 && now - (history[0]?.at ?? now) > RATE_WINDOW_MS) history.shift();
    for (const id of ids) {
      const p = cursors.get(id);
      const caughtUp = p !== undefined && p.streams >= (expected.get(id) ?? 0) && p.caughtUp === p.streams;
      if (caughtUp && !finished.has(id)) {
        finished.set(id, { ms: p.caughtUpAfterMs ?? p.elapsedMs, rows: rows.get(id) ?? 0 });
      }
    }

    const lines = o.connections.map((c) => {
      const head = `  ${c.vendor.padEnd(13)}`;
      const streams = expected.get(c.connectionId) ?? 0;
      const total = totals.get(c.vendor);
      const done = finished.get(c.connectionId);
      if (done) {
        return {
          settled: true,
          text: `${head}${storedOf(done.rows, total, true)}, all ${streams} streams caught up in ${seconds(done.ms)} (${fmt(done.rows / Math.max(0.001, done.ms / 1000))} records/s)`,
        };
      }
      const p = cursors.get(c.connectionId);
      if (!p) return { settled: false, text: `${head}waiting for the extractor to pick the connection up` };
      const storedNow = rows.get(c.connectionId) ?? 0;
      // Over the last 15 s: Jobber's pages arrive every few seconds once its query-cost budget (full at
      // the start) is spent, so a shorter window swings between 0 and bursts and the average since the
      // start overestimates. Until there are 5 s of history, the average since the start.
      const past = history.find((h) => now - h.at <= RATE_WINDOW_MS);
      const span = past ? now - past.at : 0;
      const rate =
        past && span >= 5_000
          ? Math.max(0, storedNow - (past.rows.get(c.connectionId) ?? 0)) / (span / 1000)
          : p.elapsedMs > 0
            ? storedNow / (p.elapsedMs / 1000)
            : 0;
      const left = total === undefined ? undefined : Math.max(0, total - storedNow);
      const eta = left === undefined || rate <= 0 ? '-' : `${Math.max(1, Math.ceil(left / rate))} s`;
      const failing = p.failing > 0 ? `, ${p.failing} failing (${(p.lastError ?? '').slice(0, 80)})` : '';
      return {
        settled: false,
        text: `${head}${storedOf(storedNow, total, false)}  ${fmt(rate).padStart(4)}/s  ETA ${eta.padStart(5)}  streams ${p.caughtUp}/${streams} caught up, ${p.running} running${failing}  (${seconds(p.elapsedMs)})`,
      };
    });
    const allDone = ids.every((id) => finished.has(id));
    block.update(lines, allDone || o.signal?.aborted === true);
    if (allDone) break;
    if (o.signal?.aborted) return interrupted();

    const signature = ids.map((id) => `${rows.get(id) ?? 0}:${cursors.get(id)?.caughtUp ?? 0}`).join(',');
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastMove = now;
    } else if (now - lastMove > STALL_TIMEOUT_MS) {
      o.say(
        `  the backfill made no progress for ${seconds(STALL_TIMEOUT_MS)}; giving up (extractor log: .fieldsync/logs/extractor.log)`,
      );
      return { ok: false, interrupted: false, ms: 0, records: byVendor(), totals, events: 0 };
    }
    await sleep(PROGRESS_EVERY_MS, o.signal);
  }
  const ms = Math.max(...[...finished.values()].map((f) => f.ms));
  const records = byVendor();
  o.say(await metricsLine(o.extractorUrl, o.connections));
  const quiet = await waitForQuietOutbox(o, ids);
  o.say(
    quiet.ok
      ? `  outbox: ${fmt(quiet.events)} change events published to ${streamName('events', o.prefix)}, every consumer caught up`
      : `  outbox: ${quiet.detail}`,
  );
  const stopped = !quiet.ok && o.signal?.aborted === true;
  return { ok: quiet.ok, interrupted: stopped, ms, records, totals, events: quiet.events };
}

/** Waits until the relay has published every event of the connections and every FSM_EVENTS consumer caught up. */
async function waitForQuietOutbox(
  o: BackfillOptions,
  connectionIds: readonly string[],
): Promise<{ ok: boolean; events: number; detail: string }> {
  const nc = await connectNats({ servers: o.natsUrl, name: 'fieldsync-demo-backfill', timeoutMs: 5_000 });
  const deadline = Date.now() + QUIET_TIMEOUT_MS;
  let detail = '';
  try {
    const jsm = await jetstreamManager(nc);
    const stream = streamName('events', o.prefix);
    for (;;) {
      const outbox = await sql<{ events: number; unpublished: number }>`
        select count(*)::int as events, count(*) filter (where published_at is null)::int as unpublished
        from change_events where tenant_id = ${o.tenantId} and connection_id = any(${[...connectionIds]}::text[])`.execute(
        o.db,
      );
      const { events = 0, unpublished = 0 } = outbox.rows[0] ?? {};
      const behind: string[] = [];
      for await (const consumer of jsm.consumers.list(stream)) {
        // The services' durable consumers; an ephemeral one (somebody's `nats sub`) is not waited for.
        if (!consumer.config.durable_name) continue;
        const pending = consumer.num_pending + consumer.num_ack_pending;
        if (pending > 0) behind.push(`${consumer.name} ${fmt(pending)} behind`);
      }
      if (unpublished === 0 && behind.length === 0) return { ok: true, events, detail: '' };
      detail = `${fmt(unpublished)} of ${fmt(events)} events unpublished; ${behind.join(', ') || 'consumers caught up'}`;
      if (o.signal?.aborted) return { ok: false, events, detail: `interrupted: ${detail}` };
      if (Date.now() > deadline)
        return { ok: false, events, detail: `not quiet after ${seconds(QUIET_TIMEOUT_MS)}: ${detail}` };
      await sleep(500, o.signal);
    }
  } finally {
    await nc.close();
  }
}

export interface LiveOptions {
  readonly tenantId: string;
  readonly connections: readonly DemoVendorConnection[];
  readonly sandboxUrl: string;
  readonly natsUrl: string;
  readonly prefix: string;
  /** How long to stream; without it, until `stop` aborts (`--serve`: until Ctrl-C). */
  readonly liveMs?: number;
  /** Ends the stream (Ctrl-C); with `liveMs`, early. */
  readonly stop?: AbortSignal;
  /** The demo's webhook receiver, when registered: the summary says how many live events it got. */
  readonly receiver?: WebhookReceiver;
  readonly say: Say;
}

export interface LiveResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly events: number;
  readonly byVendor: ReadonlyMap<string, number>;
  readonly invalid: number;
  readonly delivered: number;
  /** `stop` ended it before `liveMs` passed. */
  readonly interrupted: boolean;
}

/**
 * A vendor id short enough for one line: GraphQL global ids (Jobber's base64 `gid://Jobber/Visit/123`)
 * are shown decoded as `Visit/123`; anything else as it is.
 */
export function shortId(id: string): string {
  if (!/^[A-Za-z0-9+/]+=*$/.test(id)) return id;
  const gid = /^gid:\/\/[^/]+\/([^/]+\/[^/]+)$/.exec(Buffer.from(id, 'base64').toString('utf8'));
  return gid?.[1] ?? id;
}

/** The record named in a live line: entity, the vendor's id and a short label where the record has one. */
function describeRecord(event: ChangeEvent): string {
  const object = event.data.object;
  const entity = event.type.slice(0, event.type.indexOf('.'));
  const externalId = typeof object['externalId'] === 'string' ? shortId(object['externalId']) : '?';
  const label = ['number', 'title', 'displayName', 'name']
    .map((key) => object[key])
    .find((v) => typeof v === 'string');
  const short =
    typeof label === 'string' && label !== externalId ? ` ${JSON.stringify(label.slice(0, 20))}` : '';
  return `${entity} ${externalId}${short}`;
}

function describeChange(event: ChangeEvent): string {
  const { changedFields, previous, object } = event.data;
  if (event.type.endsWith('.created')) return 'new record';
  if (event.type.endsWith('.deleted')) return 'deleted';
  return changedFields
    .map((field) =>
      field === 'status' && previous
        ? `status ${String(previous['status'])} -> ${String(object['status'])}`
        : field,
    )
    .join(', ');
}

async function control(portalUrl: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${portalUrl}/__sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`sandbox ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Starts the sandbox's activity clock and prints every change event of the demo's connections from
 * FSM_EVENTS as it arrives, until `liveMs` passed (or `until` aborts); then stops the clock.
 */
export async function streamLiveChanges(o: LiveOptions): Promise<LiveResult> {
  const index = (await (await fetch(`${o.sandboxUrl}/__sandbox/`)).json()) as {
    portals: { vendor: string; url: string }[];
  };
  const portals = index.portals.filter((p) => o.connections.some((c) => c.vendor === p.vendor));
  const first = portals[0];
  if (!first) throw new Error('the sandbox serves none of the connected vendors');
  const connectionIds = new Set(o.connections.map((c) => c.connectionId));
  const byVendor = new Map<string, number>(o.connections.map((c) => [c.vendor, 0]));
  const seen = new Set<string>();
  let invalid = 0;

  const nc = await connectNats({ servers: o.natsUrl, name: 'fieldsync-demo-live', timeoutMs: 5_000 });
  const started = Date.now();
  try {
    // An ordered (ephemeral) consumer from now on: the backfill's events are already behind it.
    const consumer = await jetstream(nc).consumers.get(streamName('events', o.prefix), {
      filter_subjects: withPrefix(eventsFilter({ tenantId: o.tenantId }), o.prefix),
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    const reading = (async () => {
      for await (const m of messages) {
        const payload = m.json<{
          connectionid?: unknown;
          time?: unknown;
          vendor?: unknown;
          type?: unknown;
        }>();
        if (typeof payload.connectionid !== 'string' || !connectionIds.has(payload.connectionid)) continue;
        const parsed = changeEventSchema.safeParse(payload);
        if (!parsed.success) {
          // The same subjects carry operational events (a session re-established, drift detected).
          if (operationalEventSchema.safeParse(payload).success) {
            o.say(
              `  ${String(payload.time).slice(11, 19)}  ${String(payload.vendor).padEnd(12)}  ${String(payload.type).padEnd(26)}  (operational event)`,
            );
            continue;
          }
          invalid += 1;
          o.say(`  INVALID change event on ${m.subject}: ${parsed.error.issues[0]?.message ?? ''}`);
          continue;
        }
        const event = parsed.data;
        seen.add(event.id);
        byVendor.set(event.vendor, (byVendor.get(event.vendor) ?? 0) + 1);
        const time = event.time.slice(11, 19);
        o.say(
          `  ${time}  ${event.vendor.padEnd(12)}  ${event.type.padEnd(26)}  ${describeRecord(event).padEnd(44)}  ${describeChange(event)}`,
        );
      }
    })();

    // The portals render one world: one clock drives the changes every vendor shows.
    await control(first.url, 'world/run', ACTIVITY);
    const running = await Promise.all(
      portals.map(async (p) => ((await control(p.url, 'world')) as { running: unknown }).running !== null),
    );
    o.say(
      `  activity clock running (${ACTIVITY.speed}x, ${ACTIVITY.ratePerMinute} changes per simulated minute) on ${portals
        .filter((_, i) => running[i])
        .map((p) => p.vendor)
        .join(
          ' and ',
        )}; ${o.liveMs === undefined ? 'streaming until Ctrl-C' : `streaming for ${seconds(o.liveMs)}`} ...`,
    );
    o.say(
      `  ${'time'.padEnd(8)}  ${'vendor'.padEnd(12)}  ${'type'.padEnd(26)}  ${'record'.padEnd(44)}  changed`,
    );
    if (o.liveMs === undefined && !o.stop) throw new Error('streamLiveChanges: neither liveMs nor stop');
    await sleep(o.liveMs ?? 2 ** 31 - 1, o.stop);
    const interrupted = o.liveMs !== undefined && o.stop?.aborted === true;
    const ms = Date.now() - started;
    // The sandbox is the demo's own child in its own process group, so Ctrl-C leaves it running until
    // the demo stops it: stopping the clock normally succeeds. If it does not, the events seen still count.
    await control(first.url, 'world/stop', {}).catch((error: unknown) => {
      o.say(`  the activity clock did not stop: ${error instanceof Error ? error.message : String(error)}`);
    });
    // Changes the extractor is still reading when the clock stops are not waited for; deliveries of the
    // events shown get a moment to arrive.
    const deliveredOf = (): number =>
      (o.receiver?.deliveries() ?? []).filter(
        (d) =>
          d.verified &&
          typeof d.event === 'object' &&
          d.event !== null &&
          seen.has((d.event as { id?: string }).id ?? ''),
      ).length;
    messages.stop();
    await reading;
    await consumer.delete().catch(() => undefined);
    const graceUntil = Date.now() + 5_000;
    while (o.receiver && deliveredOf() < seen.size && Date.now() < graceUntil) await sleep(250);
    return {
      ok: invalid === 0 && seen.size > 0,
      ms,
      events: seen.size,
      byVendor,
      invalid,
      delivered: deliveredOf(),
      interrupted,
    };
  } finally {
    await control(first.url, 'world/stop', {}).catch(() => undefined);
    await nc.close();
  }
}
