/*
 * The demo's commands, after the backfill: for each connected vendor, one after another, the writer gets
 * a client.create → job.create (window and technician) → job.dispatch (replace the crew and move the
 * window) → job.status.update completed → invoice.create → payment.record sequence on FSM_COMMANDS, as an
 * integrator sends it, and the demo waits for each result on FSM_RESULTS before sending the next (each
 * command refers to the canonical ids the previous ones returned). Each result is printed (status, the
 * canonical ids, invoice total and balance, payment status) with the change events the writer appended
 * for it, as they went out on FSM_EVENTS; then the first vendor's payment.record is sent again under the same idempotency key, which
 * the writer answers with the stored result marked `replayed` without touching the vendor.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  changeEventSchema,
  commandResultSchema,
  newCommandId,
  type ChangeEvent,
  type CommandPayload,
  type CommandResult,
  type CommandType,
} from '@fieldsync/canonical-model';
import {
  commandSubject,
  connectNats,
  eventsFilter,
  JetStreamPublisher,
  resultsFilter,
  streamName,
  withPrefix,
} from '@fieldsync/messaging';
import type { DB } from '@fieldsync/persistence';
import type { WebhookReceiver } from '@fieldsync/testing';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { sql, type Kysely } from 'kysely';
import type { DemoVendorConnection } from './demo-extractor';

type Say = (line: string) => void;

/** A command that gets no result in this time counts as failed (Jobber's budget may make the writer wait). */
const RESULT_TIMEOUT_MS = 90_000;
/** How long after a replayed result the demo watches for (unexpected) events about its records. */
const REPLAY_WATCH_MS = 1_000;
/** How long a command's change events get to appear on FSM_EVENTS after its result. */
const EVENTS_MAX_WAIT_MS = 5_000;
/** How long deliveries of the commands' events get to reach the webhook receiver at the end. */
const DELIVERY_GRACE_MS = 10_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface DemoCommandsOptions {
  readonly db: Kysely<DB>;
  readonly tenantId: string;
  readonly connections: readonly DemoVendorConnection[];
  readonly natsUrl: string;
  /** FIELDSYNC_STREAM_PREFIX of the demo's services. */
  readonly prefix: string;
  /** Makes this run's idempotency keys its own: keys live per tenant for 24 h, across demo runs. */
  readonly runId: string;
  /** The demo's webhook receiver, when registered: the summary says how many command events it got. */
  readonly receiver?: WebhookReceiver;
  /** Aborted when the demo is interrupted (Ctrl-C): no further command is sent, a pending one is not awaited. */
  readonly signal?: AbortSignal;
  readonly say: Say;
}

export interface DemoCommandsResult {
  /** Every vendor's sequence succeeded and the repeated payment was answered `replayed`. */
  readonly ok: boolean;
  /** Per vendor: commands of the sequence that succeeded, and how many were sent. */
  readonly byVendor: ReadonlyMap<string, { succeeded: number; sent: number }>;
  readonly replayed: boolean;
  readonly events: number;
  readonly delivered: number;
}

interface Sent {
  readonly commandId: string;
  readonly idempotencyKey: string;
  readonly type: CommandType;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const money = (currency: unknown, amount: unknown): string =>
  `${String(currency)} ${typeof amount === 'number' ? amount.toFixed(2) : String(amount)}`;
const str = (value: unknown): string => (typeof value === 'string' ? value : String(value));

/** What a result says, in one line: the canonical ids and the figures a user looks for. */
function describeResult(result: CommandResult): string {
  if (result.status !== 'succeeded') {
    const e = result.error;
    return `${e?.code ?? '?'}${e?.field ? ` (${e.field})` : ''}: ${e?.message ?? ''}`;
  }
  const r = result.result ?? {};
  switch (result.type) {
    case 'client.create': {
      const locations = Array.isArray(r['locationIds']) ? (r['locationIds'] as string[]) : [];
      return `customer ${str(r['customerId'])}, location ${locations.join(', ')}`;
    }
    case 'job.create':
      return `job ${str(r['jobId'])} #${str(r['number'])}, appointment ${str(r['appointmentId'])}`;
    case 'job.dispatch':
      return `appointment ${str(r['appointmentId'])} ${str(r['scheduledStart']).slice(0, 16)}..${str(r['scheduledEnd']).slice(11, 16)}, technicians ${(r['technicianIds'] as string[] | undefined)?.join(', ') ?? ''}`;
    case 'job.status.update':
      return `job ${str(r['jobId'])} ${str(r['status'])} (vendor: ${str(r['vendorStatus'])})`;
    case 'invoice.create':
      return `invoice ${str(r['invoiceId'])} #${str(r['number'])}, total ${money(r['currency'], r['total'])}, balance ${money(r['currency'], r['balance'])}`;
    case 'payment.record':
      return `payment ${str(r['paymentId'])} ${str(r['status'])}, applied ${money(r['currency'], r['amountApplied'])}, balance ${money(r['currency'], r['balanceRemaining'])}`;
    default:
      return JSON.stringify(r);
  }
}

/**
 * Two active technicians of a connection from the canonical store the extractor filled: people the
 * vendor has put on appointments. A role is not enough: Jobber maps every user but the owner as a
 * technician, office staff included, and refuses to schedule those.
 */
async function technicians(db: Kysely<DB>, tenantId: string, connectionId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select t.id from technicians t
    where t.tenant_id = ${tenantId} and t.connection_id = ${connectionId} and t.deleted_at is null
      and (t.document->>'active')::boolean
      and exists (
        select 1 from appointments a
        where a.tenant_id = t.tenant_id and a.connection_id = t.connection_id
          and a.document->'technicianIds' ? t.id)
    order by t.external_id
    limit 2`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * The times the demo books, far beyond the generated schedule (weeks ahead) so the crews are free, on a
 * different day per vendor: the portals render one business, so their calendars are one calendar.
 */
function slot(vendorIndex: number, hour: number): Date {
  const day = Math.floor(Date.now() / DAY_MS) * DAY_MS + (90 + vendorIndex) * DAY_MS;
  return new Date(day + hour * HOUR_MS);
}

/** What a TOM work order and invoice need from the connection's store: a work order type and a service item. */
interface TomCatalog {
  readonly jobType: string;
  readonly item: { readonly id: string; readonly price: number };
}

async function tomCatalog(
  db: Kysely<DB>,
  tenantId: string,
  connectionId: string,
): Promise<TomCatalog | null> {
  const type = await sql<{ job_type: string }>`
    select document->>'jobType' as job_type from jobs
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and document->>'jobType' is not null
    order by external_id limit 1`.execute(db);
  const item = await sql<{ id: string; price: string }>`
    select id, document->>'price' as price from pricebook_items
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and deleted_at is null
      and document->>'kind' = 'service' and (document->>'active')::boolean
    order by external_id limit 1`.execute(db);
  const jobType = type.rows[0]?.job_type;
  const found = item.rows[0];
  return jobType && found ? { jobType, item: { id: found.id, price: Number(found.price) } } : null;
}

const ADDRESS = {
  line1: '12 Juniper Row',
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
} as const;

/**
 * The new client as each vendor's customer holds it: a ServiceTitan customer has one name (its write
 * carries no first and last name and the writer refuses them by name); a Jobber client has a person's
 * first and last name besides.
 */
function newClient(vendor: string): CommandPayload<'client.create'> {
  const client: CommandPayload<'client.create'> = {
    displayName: 'Wren Castellano',
    type: 'residential',
    primaryContact: { name: 'Wren Castellano', email: 'wren.castellano@example.com', phone: '512-555-0199' },
    billingAddress: ADDRESS,
  };
  return vendor === 'servicetitan' || vendor === 'tom'
    ? client
    : { ...client, firstName: 'Wren', lastName: 'Castellano' };
}

/**
 * Invoice lines per vendor, as their write sides' e2e specs bill: ServiceTitan keeps the tax it is given
 * (6.25% on the taxable filter: 3.03), and the writer checks its computed total against the vendor's;
 * Housecall Pro bills the lines alone (its service area's tax applies to the taxable one).
 */
function invoiceLines(
  vendor: string,
  jobId: string,
  tom: TomCatalog | null,
): CommandPayload<'invoice.create'> {
  const base: CommandPayload<'invoice.create'> = {
    jobId,
    currency: 'USD',
    lineItems: [
      { description: 'Tune-up', quantity: 1, unitPrice: 189.5 },
      { description: 'Filter', quantity: 2, unitPrice: 24.25, taxable: true },
    ],
    memo: 'Thank you for your business',
  };
  if (vendor === 'servicetitan') {
    return {
      ...base,
      discounts: [{ type: 'amount', amount: 10 }],
      taxes: [{ name: 'Parts tax', ratePercent: 6.25 }],
    };
  }
  if (vendor === 'housecallpro') {
    // A Housecall Pro invoice is its job's line items: no memo or dates to carry (refused by name).
    const { memo: _memo, ...lines } = base;
    return lines;
  }
  if (vendor === 'tom' && tom) {
    // TOM bills items of its item list at their price (enough of one to cover the demo's payment).
    return {
      jobId,
      currency: 'USD',
      lineItems: [
        {
          pricebookItemId: tom.item.id,
          description: 'Tune-up',
          quantity: Math.max(1, Math.ceil(150 / Math.max(tom.item.price, 1))),
          unitPrice: tom.item.price,
        },
      ],
      memo: 'Thank you for your business',
    };
  }
  if (vendor === 'workiz') {
    // Workiz's invoice form has a due date but no memo (refused by name); it taxes the taxable line itself.
    const { memo: _memo, ...lines } = base;
    return { ...lines, dueDate: new Date(Date.now() + 14 * DAY_MS).toISOString().slice(0, 10) };
  }
  return { ...base, dueDate: new Date(Date.now() + 14 * DAY_MS).toISOString().slice(0, 10) };
}

/** Runs the command sequence for every connection and prints what came back. */
export async function demoCommands(o: DemoCommandsOptions): Promise<DemoCommandsResult> {
  const nc = await connectNats({ servers: o.natsUrl, name: 'fieldsync-demo-commands', timeoutMs: 5_000 });
  const connectionIds = new Set(o.connections.map((c) => c.connectionId));
  const results = new Map<string, CommandResult>();
  const resultWaiters = new Map<string, (r: CommandResult) => void>();
  /** Every change event of the connections that FSM_EVENTS carried during the commands, by id. */
  const received = new Map<string, ChangeEvent>();
  /** When each of them arrived (the demo's clock). */
  const arrivedAt = new Map<string, number>();
  const byVendor = new Map(o.connections.map((c) => [c.vendor, { succeeded: 0, sent: 0 }]));
  /** The change events listed under a command: the writer's for it. */
  const shown = new Set<string>();
  let invalid = 0;
  try {
    const js = jetstream(nc);
    // Ordered consumers from now on: the backfill's events are behind them; every result of the tenant
    // (a result's subject names the tenant and the command) and every change event of the connections.
    const resultConsumer = await js.consumers.get(streamName('results', o.prefix), {
      filter_subjects: withPrefix(resultsFilter({ tenantId: o.tenantId }), o.prefix),
      deliver_policy: DeliverPolicy.New,
    });
    const eventConsumer = await js.consumers.get(streamName('events', o.prefix), {
      filter_subjects: withPrefix(eventsFilter({ tenantId: o.tenantId }), o.prefix),
      deliver_policy: DeliverPolicy.New,
    });
    const resultMessages = await resultConsumer.consume();
    const eventMessages = await eventConsumer.consume();
    const readingResults = (async () => {
      for await (const m of resultMessages) {
        const parsed = commandResultSchema.safeParse(m.json());
        if (!parsed.success) {
          invalid += 1;
          o.say(`  INVALID result on ${m.subject}: ${parsed.error.issues[0]?.message ?? ''}`);
          continue;
        }
        results.set(parsed.data.commandId, parsed.data);
        resultWaiters.get(parsed.data.commandId)?.(parsed.data);
      }
    })();
    const readingEvents = (async () => {
      for await (const m of eventMessages) {
        const payload = m.json<{ connectionid?: unknown }>();
        if (typeof payload.connectionid !== 'string' || !connectionIds.has(payload.connectionid)) continue;
        // Operational events (a session re-established) share the subjects; only change events are shown.
        const parsed = changeEventSchema.safeParse(payload);
        if (parsed.success) {
          received.set(parsed.data.id, parsed.data);
          arrivedAt.set(parsed.data.id, Date.now());
        }
      }
    })();

    const publisher = new JetStreamPublisher({ nc, prefix: o.prefix });
    const send = async <T extends CommandType>(
      connection: DemoVendorConnection,
      type: T,
      payload: CommandPayload<T>,
      idempotencyKey = `demo-${o.runId}-${connection.vendor}-${type}`,
    ): Promise<{ sent: Sent; result: CommandResult | null; ms: number; sentAt: number }> => {
      const commandId = newCommandId();
      const command = {
        commandId,
        idempotencyKey,
        tenantId: o.tenantId,
        connectionId: connection.connectionId,
        type,
        requestedAt: new Date().toISOString(),
        payload,
      };
      const started = Date.now();
      const arrived = new Promise<CommandResult | null>((done) => {
        const onAbort = (): void => {
          clearTimeout(timer);
          done(null);
        };
        const timer = setTimeout(() => {
          o.signal?.removeEventListener('abort', onAbort);
          done(null);
        }, RESULT_TIMEOUT_MS);
        resultWaiters.set(commandId, (r) => {
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          done(r);
        });
        o.signal?.addEventListener('abort', onAbort, { once: true });
      });
      // Nats-Msg-Id = commandId: a publish repeated after a lost ack is dropped by JetStream.
      await publisher.publish(
        commandSubject({ tenantId: o.tenantId, connectionId: connection.connectionId, type }),
        command,
        { msgId: commandId, tenantId: o.tenantId, expectStream: 'commands' },
      );
      const result = results.get(commandId) ?? (await arrived);
      resultWaiters.delete(commandId);
      return { sent: { commandId, idempotencyKey, type }, result, ms: Date.now() - started, sentAt: started };
    };

    /** Prints a result's line and the change events the writer appended for it, as FSM_EVENTS carried them. */
    const show = async (
      connection: DemoVendorConnection,
      sent: Sent,
      outcome: { result: CommandResult | null; ms: number; sentAt: number },
    ): Promise<void> => {
      const { result } = outcome;
      const status = result === null ? 'NO RESULT' : result.replayed ? 'replayed' : result.status;
      o.say(
        `  ${connection.vendor.padEnd(13)} ${sent.type.padEnd(18)} ${status.padEnd(9)} ${seconds(outcome.ms).padStart(6)}  ${
          result === null
            ? o.signal?.aborted
              ? 'interrupted before its result arrived'
              : `none within ${seconds(RESULT_TIMEOUT_MS)}`
            : describeResult(result)
        }`,
      );
      if (result?.status !== 'succeeded') return;
      const indent = `  ${''.padEnd(13)}   `;
      if (result.replayed) {
        // Nothing is written for a replay: no event about the stored result's records arrives after it
        // was sent (the stored result's completedAt is the first execution's, so arrival times count).
        await new Promise((done) => setTimeout(done, REPLAY_WATCH_MS));
        const ids = new Set(Object.values(result.result ?? {}).filter((v) => typeof v === 'string'));
        const about = [...received.values()].filter(
          (e) =>
            e.connectionid === connection.connectionId &&
            ids.has(e.subject) &&
            (arrivedAt.get(e.id) ?? 0) >= outcome.sentAt,
        );
        o.say(
          about.length === 0
            ? `${indent}no change events: the stored result, the vendor was not called again`
            : `${indent}UNEXPECTED: ${about.map((e) => `${e.type} ${e.subject}`).join(', ')} after a replay`,
        );
        if (about.length > 0) invalid += 1;
        return;
      }
      // The writer upserts the records the vendor now holds and appends their change events in the
      // transaction that completes the command's idempotency key, so in Postgres they share that
      // transaction's now(): created_at of the events = updated_at of the key. That tells the writer's
      // events from the extractor's polls in the same seconds (a balance it did not read back, or the
      // other portal's view of the same write: both portals render one business).
      const rows = await sql<{ id: string }>`
        select e.id from change_events e
        join idempotency_keys k on k.tenant_id = e.tenant_id and k.connection_id = e.connection_id
          and e.created_at = k.updated_at
        where k.tenant_id = ${o.tenantId} and k.key = ${sent.idempotencyKey} and k.state = 'completed'
        order by e.position`.execute(o.db);
      const ids = rows.rows.map((r) => r.id);
      // The writer's relay publishes them right away (woken by NOTIFY): wait until they went out.
      const until = Date.now() + EVENTS_MAX_WAIT_MS;
      while (ids.some((id) => !received.has(id)) && Date.now() < until) {
        await new Promise((done) => setTimeout(done, 100));
      }
      // None when the extractor's poll stored the vendor's change between the write and the writer's
      // read-back: the change event is then the extractor's, and the writer finds nothing new.
      if (ids.length === 0)
        o.say(`${indent}no change events from the writer (a poll may have stored the change first)`);
      for (const id of ids) {
        const e = received.get(id);
        if (!e) {
          o.say(
            `${indent}→ ${id} not on ${streamName('events', o.prefix)} after ${seconds(EVENTS_MAX_WAIT_MS)}`,
          );
          invalid += 1;
          continue;
        }
        shown.add(e.id);
        const fields = e.type.endsWith('.updated') ? `  ${e.data.changedFields.join(', ')}` : '';
        o.say(`${indent}→ ${e.type.padEnd(26)} ${e.subject}${fields}`);
      }
    };

    o.say(
      `  ${'vendor'.padEnd(13)} ${'command'.padEnd(18)} ${'status'.padEnd(9)} ${'took'.padStart(6)}  result (canonical ids) / → change events on ${streamName('events', o.prefix)}`,
    );
    let firstPayment:
      { connection: DemoVendorConnection; sent: Sent; payload: CommandPayload<'payment.record'> } | undefined;
    for (const [vendorIndex, connection] of o.connections.entries()) {
      if (o.signal?.aborted) break;
      const counts = byVendor.get(connection.vendor) ?? { succeeded: 0, sent: 0 };
      byVendor.set(connection.vendor, counts);
      /** Sends one command, shows it, and gives back its result data when it succeeded. */
      const step = async <T extends CommandType>(
        type: T,
        payload: CommandPayload<T>,
      ): Promise<{ data: Record<string, unknown>; sent: Sent } | null> => {
        if (o.signal?.aborted) return null;
        counts.sent += 1;
        const outcome = await send(connection, type, payload);
        await show(connection, outcome.sent, outcome);
        if (outcome.result?.status !== 'succeeded' || !outcome.result.result) return null;
        counts.succeeded += 1;
        return { data: outcome.result.result, sent: outcome.sent };
      };

      const [tech1, tech2] = await technicians(o.db, o.tenantId, connection.connectionId);
      if (tech1 === undefined || tech2 === undefined) {
        o.say(`  ${connection.vendor}: fewer than 2 active technicians in the canonical store; skipped`);
        counts.sent += 6;
        continue;
      }
      const tom =
        connection.vendor === 'tom' ? await tomCatalog(o.db, o.tenantId, connection.connectionId) : null;
      const client = await step('client.create', newClient(connection.vendor));
      const locationId = (client?.data['locationIds'] as string[] | undefined)?.[0];
      const job =
        client && locationId
          ? await step('job.create', {
              customerId: str(client.data['customerId']),
              locationId,
              // A Workiz job's title is its job type, one the account has (the world's: "AC Tune-Up").
              title: connection.vendor === 'workiz' ? 'AC Tune-Up' : 'Heat pump tune-up',
              // A TOM work order needs a type the company file has.
              ...(tom ? { jobType: tom.jobType } : {}),
              appointment: { scheduledStart: slot(vendorIndex, 15).toISOString(), durationMinutes: 120 },
              technicianIds: [tech1],
            })
          : null;
      const jobId = job ? str(job.data['jobId']) : undefined;
      // Reassign (the other technician) and move (two hours later, one hour long) in one dispatch.
      const dispatched = jobId
        ? await step('job.dispatch', {
            jobId,
            technicians: { mode: 'replace', technicianIds: [tech2] },
            window: { scheduledStart: slot(vendorIndex, 17).toISOString(), durationMinutes: 60 },
            allowOverlap: false,
          })
        : null;
      const completed =
        dispatched && jobId ? await step('job.status.update', { jobId, status: 'completed' }) : null;
      const invoice =
        completed && jobId ? await step('invoice.create', invoiceLines(connection.vendor, jobId, tom)) : null;
      if (invoice) {
        const payload: CommandPayload<'payment.record'> = {
          invoiceId: str(invoice.data['invoiceId']),
          currency: 'USD',
          amount: 100,
          method: 'check',
          checkNumber: '2207',
          memo: 'Deposit',
        };
        const payment = await step('payment.record', payload);
        if (payment && !firstPayment) firstPayment = { connection, sent: payment.sent, payload };
      }
      // A failed step ends the vendor's sequence (the next needs its ids): the rest count as not done.
      counts.sent = Math.max(counts.sent, 6);
    }

    // Idempotency: the same payment again under its key (a new command id, as a client retrying after a
    // lost result sends it) is answered with the stored result, marked replayed; no second payment.
    let replayed = false;
    if (firstPayment && !o.signal?.aborted) {
      const { connection, sent, payload } = firstPayment;
      o.say(`  the first payment.record again under its idempotency key ${sent.idempotencyKey}:`);
      const again = await send(connection, 'payment.record', payload, sent.idempotencyKey);
      await show(connection, again.sent, again);
      const original = results.get(sent.commandId);
      replayed =
        again.result?.status === 'succeeded' &&
        again.result.replayed === true &&
        isDeepStrictEqual(again.result.result, original?.result);
    }

    resultMessages.stop();
    eventMessages.stop();
    await Promise.all([readingResults, readingEvents]);
    await Promise.all([resultConsumer.delete(), eventConsumer.delete()].map((p) => p.catch(() => undefined)));

    const ids = shown;
    const deliveredOf = (): number =>
      (o.receiver?.deliveries() ?? []).filter(
        (d) => d.verified && ids.has((d.event as { id?: string } | undefined)?.id ?? ''),
      ).length;
    const graceUntil = Date.now() + DELIVERY_GRACE_MS;
    while (o.receiver && deliveredOf() < ids.size && Date.now() < graceUntil) {
      await new Promise((done) => setTimeout(done, 250));
    }
    const delivered = deliveredOf();
    const others = [...received.values()].filter((e) => !shown.has(e.id)).length;
    const ok =
      invalid === 0 && replayed && [...byVendor.values()].every((c) => c.sent > 0 && c.succeeded === c.sent);
    o.say(
      `  commands: ${[...byVendor].map(([vendor, c]) => `${vendor} ${c.succeeded} of ${c.sent} succeeded`).join(', ')}; ` +
        `payment re-sent under its key: ${replayed ? 'replayed (the stored result, no second payment)' : o.signal?.aborted ? 'not sent (interrupted)' : 'NOT REPLAYED'}; ` +
        `${ids.size} change events from the writer` +
        (o.receiver ? `, ${delivered} delivered to the webhook receiver, signature verified` : '') +
        ` (and ${others} from the extractor's polls meanwhile: what the writer did not read back, and each portal's view of the other's writes)`,
    );
    return { ok, byVendor, replayed, events: ids.size, delivered };
  } finally {
    await nc.close();
  }
}
