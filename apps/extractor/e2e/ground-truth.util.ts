import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  canonicalId,
  deriveChangeEventType,
  diffEntities,
  stringifyCanonical,
  type EntityType,
  type Vendor,
} from '@fieldsync/canonical-model';
import type { ConnectorReadSide, VendorRecord } from '@fieldsync/connector-kit';
import type { DB } from '@fieldsync/persistence';
import type { PortalHandle } from '@fieldsync/testing';
import { sql, type Kysely } from 'kysely';
import { entityTable } from '@fieldsync/persistence';

/*
 * The vendor sandbox's ground truth (`GET /__sandbox/world/export/:entity`: every record the vendor
 * holds, in the vendor's own wire shape) mapped through the connector's mapper into the canonical
 * documents the extractor must store, and the change events that must lead from one such state to the
 * next. The rows are turned into the records the connector's readers would hand the mapper; where a
 * reader assembles a record from more than one call, the assembly is reproduced here, naming the
 * reader code it mirrors.
 */

type Doc = Record<string, unknown>;
type Row = Record<string, unknown>;

/** One canonical entity of one connection: live documents and vendor-deleted ones, by external id. */
export interface EntityState {
  readonly live: Map<string, Doc>;
  readonly deleted: Map<string, Doc>;
}

export interface TruthState {
  readonly vendor: Vendor;
  readonly connectionId: string;
  readonly entities: Map<EntityType, EntityState>;
  /**
   * Canonical ids the export cannot reproduce (a record whose reader would report it as drift, or that
   * needs a value the export does not carry): left out of every comparison.
   */
  readonly excluded: Set<string>;
}

/**
 * Canonical fields the Jobber export cannot give: its rows carry the scalar fields and the `{ id }` of
 * references only, while these fields come from nested connections the readers select (a visit's
 * `assignedUsers`, the job's `visits.assignedUsers`, quote and invoice `lineItems`, an invoice's
 * `jobs`/`properties`). They are removed from both sides before comparing (documents and events).
 */
export const UNEXPORTED_FIELDS: Readonly<
  Partial<Record<Vendor, Partial<Record<EntityType, readonly string[]>>>>
> = {
  jobber: {
    job: ['technicianIds'],
    appointment: ['technicianIds'],
    estimate: ['lineItems'],
    invoice: ['lineItems', 'jobId', 'locationId'],
  },
};

/** The canonical entities each vendor's connector stores. */
export const VENDOR_ENTITIES: Readonly<
  Record<'servicetitan' | 'jobber' | 'workiz' | 'housecallpro' | 'tom', readonly EntityType[]>
> = {
  tom: [
    'technician',
    'pricebook_item',
    'customer',
    'location',
    'job',
    'appointment',
    'invoice',
    'payment',
    'equipment',
    'membership',
    'warehouse',
    'stock_level',
    'purchase_order',
  ],
  housecallpro: [
    'customer',
    'location',
    'technician',
    'job',
    'appointment',
    'estimate',
    'invoice',
    'payment',
    'pricebook_item',
    'membership',
  ],
  servicetitan: [
    'customer',
    'location',
    'contact',
    'technician',
    'job',
    'appointment',
    'estimate',
    'invoice',
    'payment',
    'pricebook_item',
    'membership',
    'equipment',
  ],
  workiz: [
    'customer',
    'location',
    'technician',
    'job',
    'appointment',
    'lead',
    'estimate',
    'invoice',
    'payment',
    'pricebook_item',
    'communication',
  ],
  jobber: [
    'customer',
    'location',
    'lead',
    'estimate',
    'job',
    'appointment',
    'invoice',
    'payment',
    'technician',
    'pricebook_item',
  ],
};

function masked(vendor: Vendor, entity: EntityType, doc: Doc): Doc {
  const fields = UNEXPORTED_FIELDS[vendor]?.[entity];
  if (!fields) return doc;
  const copy = { ...doc };
  for (const field of fields) delete copy[field];
  return copy;
}

async function exportOf(portal: PortalHandle, entity: string): Promise<Row[]> {
  const body = await portal.control<{ data: Row[] }>('GET', `world/export/${entity}`);
  return body.data;
}

type RecordOf = Extract<VendorRecord, { kind: 'record' }>;
const rec = (entity: EntityType, raw: Row, deleted: boolean): RecordOf => ({
  kind: 'record',
  entity,
  externalId: String(raw['id']),
  raw,
  deleted,
});

/** The records ServiceTitan's readers (libs/connectors/servicetitan/src/readers/) build. */
async function servicetitanRecords(
  portal: PortalHandle,
): Promise<{ records: RecordOf[]; drift: RecordOf[] }> {
  const names = [
    'customers',
    'locations',
    'contacts',
    'technicians',
    'jobs',
    'appointments',
    'appointment-assignments',
    'estimates',
    'invoices',
    'payments',
    'services',
    'materials',
    'equipment',
    'memberships',
    'installed-equipment',
  ] as const;
  const rows = new Map(await Promise.all(names.map(async (n) => [n, await exportOf(portal, n)] as const)));
  const get = (name: (typeof names)[number]): Row[] => rows.get(name) ?? [];
  const records: RecordOf[] = [];
  const drift: RecordOf[] = [];
  const inactive = (row: Row) => row['active'] !== true;
  // The `deleted(row)` of each export feed in servicetitanStreams().
  for (const row of get('customers')) records.push(rec('customer', row, row['mergedToId'] !== null));
  for (const row of get('locations')) records.push(rec('location', row, row['mergedToId'] !== null));
  for (const row of get('contacts')) records.push(rec('contact', row, inactive(row)));
  for (const row of get('technicians')) records.push(rec('technician', row, false));
  // jobRecordRaw(): a job as the jobs reader yields it, with the tag types its tagTypeIds name.
  const tagTypes = new Map((await exportOf(portal, 'tag-types')).map((t) => [t['id'], t]));
  for (const row of get('jobs')) {
    const named = [...new Set(row['tagTypeIds'] as unknown[])].flatMap((id) => tagTypes.get(id) ?? []);
    records.push({
      kind: 'record',
      entity: 'job',
      externalId: String(row['id']),
      raw: { job: row, tagTypes: named },
      deleted: inactive(row),
    });
  }
  // appointmentRecords(): the appointment row without the export's `active`, with its current
  // assignments as dispatch's list returns them (not deleted, without `active`), in id order.
  const assignments = new Map<unknown, Row[]>();
  for (const { active, ...row } of get('appointment-assignments')) {
    if (active !== true) continue;
    const list = assignments.get(row['appointmentId']) ?? [];
    list.push(row);
    assignments.set(row['appointmentId'], list);
  }
  for (const { active, ...row } of get('appointments')) {
    const own = (assignments.get(row['id']) ?? []).sort((a, b) => Number(a['id']) - Number(b['id']));
    records.push({
      kind: 'record',
      entity: 'appointment',
      externalId: String(row['id']),
      raw: { appointment: row, assignments: own },
      deleted: active !== true,
    });
  }
  // The estimates feed's records(): `{ estimate, job }` with the job's id, customer and location from
  // jpm's job list (active jobs only); an estimate without such a job fails its record schema (drift).
  const jobs = new Map(get('jobs').map((job) => [job['id'], job]));
  for (const row of get('estimates')) {
    const job = jobs.get(row['jobId']);
    const raw = {
      estimate: row,
      job:
        job && job['active'] === true
          ? { id: job['id'], customerId: job['customerId'], locationId: job['locationId'] }
          : null,
    };
    const record: RecordOf = {
      kind: 'record',
      entity: 'estimate',
      externalId: String(row['id']),
      raw,
      deleted: inactive(row),
    };
    (raw.job === null ? drift : records).push(record);
  }
  for (const row of get('invoices')) records.push(rec('invoice', row, inactive(row)));
  for (const row of get('payments')) records.push(rec('payment', row, inactive(row)));
  for (const name of ['services', 'materials', 'equipment'] as const) {
    for (const row of get(name)) records.push(rec('pricebook_item', row, false));
  }
  for (const row of get('memberships')) records.push(rec('membership', row, row['status'] === 'Deleted'));
  for (const row of get('installed-equipment')) records.push(rec('equipment', row, inactive(row)));
  return { records, drift };
}

const NO_MORE = { hasNextPage: false, endCursor: null };

/** The records Jobber's readers (libs/connectors/jobber/src/readers/, STREAMS) build. */
async function jobberRecords(portal: PortalHandle): Promise<{ records: RecordOf[]; drift: RecordOf[] }> {
  const names = [
    'clients',
    'properties',
    'requests',
    'quotes',
    'jobs',
    'visits',
    'invoices',
    'paymentRecords',
    'users',
    'productsAndServices',
  ] as const;
  const rows = new Map(await Promise.all(names.map(async (n) => [n, await exportOf(portal, n)] as const)));
  const get = (name: (typeof names)[number]): Row[] => rows.get(name) ?? [];
  const records: RecordOf[] = [];
  const drift: RecordOf[] = [];
  const clients = new Map(get('clients').map((c) => [c['id'], c]));
  for (const row of get('clients')) records.push(rec('customer', row, false));
  // PROPERTY selects `client { id createdAt }` (properties have no timestamps of their own).
  for (const row of get('properties')) {
    const ref = row['client'] as { id: string } | null;
    const client = ref === null ? undefined : clients.get(ref.id);
    const raw = { ...row, client: ref === null ? null : { id: ref.id, createdAt: client?.['createdAt'] } };
    (ref !== null && client === undefined ? drift : records).push(rec('location', raw, false));
  }
  for (const row of get('requests')) records.push(rec('lead', row, false));
  for (const row of get('quotes')) records.push(rec('estimate', row, false));
  for (const row of get('jobs')) records.push(rec('job', row, false));
  // Visits are reached through their job (the jobs stream): only the visits of listed jobs, with
  // `assignedUsers` (not in the export: see UNEXPORTED_FIELDS) empty.
  const jobIds = new Set(get('jobs').map((j) => j['id']));
  for (const row of get('visits')) {
    if (!jobIds.has((row['job'] as { id: string }).id)) continue;
    records.push(rec('appointment', { ...row, assignedUsers: { nodes: [], pageInfo: NO_MORE } }, false));
  }
  for (const row of get('invoices')) records.push(rec('invoice', row, false));
  for (const row of get('paymentRecords')) records.push(rec('payment', row, false));
  for (const row of get('users')) records.push(rec('technician', row, false));
  for (const row of get('productsAndServices')) records.push(rec('pricebook_item', row, false));
  return { records, drift };
}

/**
 * The records Workiz's readers (libs/connectors/workiz/src/readers/) build: team members with the
 * account's zone; each client, then its service locations with its id and times; each job with its `Team`
 * names resolved to members (and again as its visit); leads; the web app's estimates, invoices, payments
 * and price book; calls, then each text of each SMS thread. Workiz lists no deleted record.
 */
async function workizRecords(portal: PortalHandle): Promise<{ records: RecordOf[]; drift: RecordOf[] }> {
  const names = [
    'team',
    'clients',
    'jobs',
    'leads',
    'estimates',
    'invoices',
    'payments',
    'pricebook_items',
    'calls',
    'threads',
  ] as const;
  const rows = new Map(await Promise.all(names.map(async (n) => [n, await exportOf(portal, n)] as const)));
  const get = (name: (typeof names)[number]): Row[] => rows.get(name) ?? [];
  const records: RecordOf[] = [];
  const put = (entity: EntityType, externalId: string, raw: unknown) =>
    records.push({ kind: 'record', entity, externalId, raw, deleted: false });
  const zone = get('jobs')[0]?.['Timezone'];
  const byName = new Map(get('team').map((m) => [String(m['name']).trim().toLowerCase(), String(m['id'])]));
  const memberOf = (name: unknown) =>
    typeof name === 'string' ? (byName.get(name.trim().toLowerCase()) ?? null) : null;
  for (const m of get('team')) put('technician', String(m['id']), { ...m, timezone: zone });
  for (const c of get('clients')) {
    put('customer', String(c['client_id']), c);
    for (const l of c['service_locations'] as Row[]) {
      put('location', String(l['location_id']), {
        ...l,
        client_id: c['client_id'],
        client_active: c['active'],
        client_created: c['created'],
        client_updated: c['updated'],
        timezone: c['timezone'],
      });
    }
  }
  for (const j of get('jobs')) {
    const raw = {
      job: j,
      TeamMembers: (j['Team'] as string[]).map((name) => ({ name, id: memberOf(name) })),
    };
    put('job', String(j['UUID']), raw);
    put('appointment', String(j['UUID']), raw);
  }
  for (const l of get('leads')) put('lead', String(l['UUID']), l);
  for (const e of get('estimates')) put('estimate', String(e['estimate_id']), e);
  for (const i of get('invoices')) put('invoice', String(i['invoice_id']), i);
  for (const p of get('payments')) put('payment', String(p['payment_id']), p);
  for (const i of get('pricebook_items')) put('pricebook_item', String(i['item_id']), i);
  for (const c of get('calls'))
    put('communication', `call-${String(c['call_id'])}`, { call: c, user_id: memberOf(c['user']) });
  for (const t of get('threads')) {
    for (const m of t['messages'] as Row[]) {
      put('communication', `sms-${String(m['message_id'])}`, {
        message: m,
        thread_id: t['thread_id'],
        client_id: t['client_id'],
        phone: t['phone'],
        timezone: t['timezone'],
        user_id: memberOf(m['user']),
      });
    }
  }
  return { records, drift: [] };
}

/** What one TOM page shows of a record (the ground truth's rows). */
interface TomRendering {
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly lines?: readonly Readonly<Record<string, string>>[];
}

/**
 * A TOM page record as the grid readers yield it: the rendering plus the SHA-256 of its key, fields and
 * lines in page order (tomChecksum in libs/connectors/tom/src/tom.schemas.ts, restated here: an app may not
 * import a connector, and a checksum the readers compute differently is a mismatch this proof shows).
 */
function tomWireRecord(rendering: TomRendering): TomRendering & { checksum: string } {
  const checksum = createHash('sha256')
    .update(
      JSON.stringify([
        rendering.key,
        Object.entries(rendering.fields),
        (rendering.lines ?? []).map((l) => Object.entries(l)),
      ]),
    )
    .digest('hex');
  return { ...rendering, checksum };
}

/**
 * The records TOM's grid readers (libs/connectors/tom/src/readers/grid.reader.ts, tomStreams) build: each
 * grid's page records (the row's cells, a document's lines from its detail page) with their checksum.
 * TOM lists no deleted record; a voided payment stays listed.
 */
async function tomRecords(portal: PortalHandle): Promise<{ records: RecordOf[]; drift: RecordOf[] }> {
  const grids: readonly [string, EntityType][] = [
    ['employees', 'technician'],
    ['items', 'pricebook_item'],
    ['customers', 'customer'],
    ['jobs', 'location'],
    ['workorders', 'job'],
    ['invoices', 'invoice'],
    // Read by the invoices stream after the invoices grid, as canonical invoices `CM-<number>`.
    ['credit-memos', 'invoice'],
    ['payments', 'payment'],
    ['equipment', 'equipment'],
    ['agreements', 'membership'],
    ['warehouses', 'warehouse'],
    ['stock', 'stock_level'],
    ['purchase-orders', 'purchase_order'],
  ];
  const records: RecordOf[] = [];
  for (const [grid, entity] of grids) {
    for (const row of await exportOf(portal, grid)) {
      const rendering = row as unknown as TomRendering;
      const record: RecordOf = {
        kind: 'record',
        entity,
        externalId: grid === 'credit-memos' ? `CM-${rendering.key}` : rendering.key,
        raw: tomWireRecord(rendering),
        deleted: false,
      };
      records.push(record);
      // The work orders grid yields a work order's schedule as its appointment too (when it has a start).
      if (entity === 'job' && rendering.fields['Start'] !== '')
        records.push({ ...record, entity: 'appointment' });
    }
  }
  return { records, drift: [] };
}

/** The records Housecall Pro's readers (libs/connectors/housecallpro/src/readers/) build. */
async function housecallproRecords(
  portal: PortalHandle,
): Promise<{ records: RecordOf[]; drift: RecordOf[] }> {
  const names = [
    'customers',
    'employees',
    'estimates',
    'jobs',
    'appointments',
    'invoices',
    'pricebook_services',
    'material_categories',
    'materials',
    'service_plan_agreements',
  ] as const;
  const rows = new Map(await Promise.all(names.map(async (n) => [n, await exportOf(portal, n)] as const)));
  const get = (name: (typeof names)[number]): Row[] => rows.get(name) ?? [];
  const records: RecordOf[] = [];
  const drift: RecordOf[] = [];
  for (const c of get('customers')) {
    records.push(rec('customer', c, false));
    // readers/customer.reader.ts: each service address a location, with its customer's id and times.
    for (const a of c['addresses'] as Row[]) {
      if (a['type'] !== 'service') continue;
      records.push(
        rec(
          'location',
          {
            ...a,
            customer_id: c['id'],
            customer_created_at: c['created_at'],
            customer_updated_at: c['updated_at'],
          },
          false,
        ),
      );
    }
  }
  for (const e of get('employees')) records.push(rec('technician', e, false));
  for (const e of get('estimates')) records.push(rec('estimate', e, false));
  const jobs = new Map(get('jobs').map((j) => [String(j['id']), j]));
  for (const j of jobs.values()) records.push(rec('job', j, false));
  // readers/job.reader.ts: each appointment with its job's id, status and creation time.
  for (const a of get('appointments')) {
    const job = jobs.get(String(a['job_id']));
    if (!job) continue;
    records.push(
      rec(
        'appointment',
        { ...a, job_work_status: job['work_status'], job_created_at: job['created_at'] },
        false,
      ),
    );
  }
  // readers/invoice.reader.ts: each invoice with its job's customer and service address, then each
  // payment listed on it; an invoice of a gone job is drift.
  for (const i of get('invoices')) {
    const job = jobs.get(String(i['job_id']));
    if (!job) {
      drift.push(rec('invoice', i, false));
      continue;
    }
    const customerId = (job['customer'] as Row)['id'];
    const address = job['address'] as Row | null;
    records.push(
      rec(
        'invoice',
        {
          id: i['id'],
          invoice: i,
          customer_id: customerId,
          address_id: address?.['type'] === 'service' ? address['id'] : null,
        },
        false,
      ),
    );
    for (const p of i['payments'] as Row[])
      records.push(rec('payment', { ...p, invoice_id: i['id'], customer_id: customerId }, false));
  }
  // readers/pricebook.reader.ts: services by their uuid; each material with the names of its category
  // and its ancestors from the root down (the reader walks the tree by parent_uuid).
  const uuidRec = (entity: EntityType, raw: Row, uuid: unknown): RecordOf => ({
    ...rec(entity, raw, false),
    externalId: String(uuid),
  });
  for (const s of get('pricebook_services')) records.push(uuidRec('pricebook_item', s, s['uuid']));
  const categories = new Map(get('material_categories').map((c) => [String(c['uuid']), c]));
  const pathOf = (uuid: string): string[] => {
    const c = categories.get(uuid);
    if (!c) return [];
    const parent = c['parent_uuid'];
    return [...(typeof parent === 'string' ? pathOf(parent) : []), String(c['name'])];
  };
  for (const m of get('materials')) {
    const path = pathOf(String(m['material_category_uuid']));
    records.push(uuidRec('pricebook_item', { material: m, category_path: path }, m['uuid']));
  }
  // readers/membership.reader.ts: the web app's service plan agreements as listed.
  for (const p of get('service_plan_agreements')) records.push(rec('membership', p, false));
  return { records, drift };
}

/** The sandbox's ground truth of one portal, mapped for one connection. */
export async function groundTruth(
  portal: PortalHandle,
  side: ConnectorReadSide,
  connection: { tenantId: string; connectionId: string },
): Promise<TruthState> {
  const vendor = side.vendor;
  const { records, drift } =
    vendor === 'servicetitan'
      ? await servicetitanRecords(portal)
      : vendor === 'workiz'
        ? await workizRecords(portal)
        : vendor === 'housecallpro'
          ? await housecallproRecords(portal)
          : vendor === 'tom'
            ? await tomRecords(portal)
            : await jobberRecords(portal);
  const entities = new Map<EntityType, EntityState>(
    (VENDOR_ENTITIES[vendor] ?? []).map((e) => [e, { live: new Map(), deleted: new Map() }]),
  );
  const excluded = new Set(drift.map((r) => canonicalId(connection.connectionId, r.entity, r.externalId)));
  for (const record of records) {
    let doc: Doc;
    try {
      const object = side.mapper.toCanonical(record, connection);
      doc = masked(vendor, record.entity, JSON.parse(stringifyCanonical(object)) as Doc);
    } catch {
      // The extractor quarantines a record its mapper refuses (mapping drift): not stored.
      excluded.add(canonicalId(connection.connectionId, record.entity, record.externalId));
      continue;
    }
    const state = entities.get(record.entity);
    if (!state) throw new Error(`${vendor} ground truth: no ${record.entity} entity expected`);
    (record.deleted ? state.deleted : state.live).set(record.externalId, doc);
  }
  return { vendor, connectionId: connection.connectionId, entities, excluded };
}

/** What the extractor stored for one connection, in the same shape (tombstones as `deleted`). */
export async function storeState(db: Kysely<DB>, truth: TruthState): Promise<TruthState> {
  const entities = new Map<EntityType, EntityState>();
  for (const entity of truth.entities.keys()) {
    const { table } = entityTable(entity);
    const rows = await sql<{ external_id: string; document: Doc; deleted_at: Date | null }>`
      select external_id, document, deleted_at from ${sql.table(table)}
      where connection_id = ${truth.connectionId}`.execute(db);
    const state: EntityState = { live: new Map(), deleted: new Map() };
    for (const row of rows.rows) {
      const doc = masked(truth.vendor, entity, row.document);
      (row.deleted_at === null ? state.live : state.deleted).set(row.external_id, doc);
    }
    entities.set(entity, state);
  }
  return { ...truth, entities };
}

/**
 * Every difference between the ground truth and the store (empty when they agree): the same live
 * records with the same documents, field by field; a vendor-deleted record is never live in the store.
 */
export function storeMismatches(truth: TruthState, stored: TruthState, limit = 20): string[] {
  const out: string[] = [];
  for (const [entity, want] of truth.entities) {
    const got = stored.entities.get(entity) ?? {
      live: new Map<string, Doc>(),
      deleted: new Map<string, Doc>(),
    };
    const skip = (id: string) => truth.excluded.has(canonicalId(truth.connectionId, entity, id));
    for (const [id, doc] of want.live) {
      if (skip(id)) continue;
      const stored = got.live.get(id);
      if (!stored) out.push(`${truth.vendor} ${entity} ${id}: missing from the store`);
      else if (!isDeepStrictEqual(stored, doc)) {
        const fields = Object.keys({ ...doc, ...stored }).filter(
          (k) => !isDeepStrictEqual(doc[k], stored[k]),
        );
        out.push(
          `${truth.vendor} ${entity} ${id}: ${fields
            .map((k) => `${k}: stored ${JSON.stringify(stored[k])} ≠ vendor ${JSON.stringify(doc[k])}`)
            .join('; ')}`,
        );
      }
    }
    for (const id of got.live.keys()) {
      if (!want.live.has(id) && !skip(id)) {
        out.push(
          `${truth.vendor} ${entity} ${id}: live in the store, ${want.deleted.has(id) ? 'deleted' : 'absent'} at the vendor`,
        );
      }
    }
  }
  return out.slice(0, limit);
}

/** Number of live records in a state. */
export function liveCount(state: TruthState): number {
  let total = 0;
  for (const { live } of state.entities.values()) total += live.size;
  return total;
}

/** An entity event reduced to what is compared: type, canonical id, sorted changed fields. */
export interface EventKey {
  readonly type: string;
  readonly subject: string;
  readonly changedFields: readonly string[];
}

export const eventKey = (e: EventKey): string =>
  `${e.type} ${e.subject} [${[...e.changedFields].sort().join(',')}]`;

/**
 * The events the extractor must emit to go from `before` to `after` (the store's rules, see
 * CanonicalStoreRepository.upsertPage and tombstoneUnseen): a new live record → created; a live record
 * that is deleted or gone → deleted; a live record whose document changed → the type
 * deriveChangeEventType gives, with diffEntities' changed fields (none → no event); a record first seen
 * deleted, or edited while deleted → nothing.
 */
export function expectedEvents(before: TruthState, after: TruthState): EventKey[] {
  const out: EventKey[] = [];
  for (const [entity, now] of after.entities) {
    const then = before.entities.get(entity) ?? {
      live: new Map<string, Doc>(),
      deleted: new Map<string, Doc>(),
    };
    const id = (externalId: string) => canonicalId(after.connectionId, entity, externalId);
    const skip = (externalId: string) =>
      after.excluded.has(id(externalId)) || before.excluded.has(id(externalId));
    for (const [externalId, doc] of now.live) {
      if (skip(externalId)) continue;
      const old = then.live.get(externalId) ?? then.deleted.get(externalId);
      if (!old) {
        out.push({ type: `${entity}.created`, subject: id(externalId), changedFields: [] });
        continue;
      }
      const diff = diffEntities(old, doc);
      if (diff.changedFields.length === 0) continue;
      out.push({
        type: deriveChangeEventType(entity, old, doc),
        subject: id(externalId),
        changedFields: [...diff.changedFields].sort(),
      });
    }
    for (const externalId of then.live.keys()) {
      if (!now.live.has(externalId) && !skip(externalId)) {
        out.push({ type: `${entity}.deleted`, subject: id(externalId), changedFields: [] });
      }
    }
  }
  return out.sort((a, b) => eventKey(a).localeCompare(eventKey(b)));
}

/** A change event as read from FSM_EVENTS (the fields the tests look at). */
export interface StreamEvent {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly connectionid?: string;
  readonly vendor?: string;
  readonly data?: {
    readonly object?: Doc;
    readonly previous?: Doc | null;
    readonly changedFields?: readonly string[];
    readonly entity?: string;
  };
}

/**
 * An entity event as the ground truth can see it: the fields the export cannot give are taken out of
 * `changedFields`; an update that only touched such fields is invisible to the ground truth (null).
 */
export function visibleEventKey(event: StreamEvent): EventKey | null {
  const entity = event.type.slice(0, event.type.indexOf('.')) as EntityType;
  const hidden = new Set(UNEXPORTED_FIELDS[event.vendor as Vendor]?.[entity] ?? []);
  const all = event.data?.changedFields ?? [];
  const changedFields = all.filter((f) => !hidden.has(f)).sort();
  if (all.length > 0 && changedFields.length === 0) return null;
  return { type: event.type, subject: event.subject, changedFields };
}

/** Items of `a` not matched one-for-one in `b` (multiset difference), sorted. */
export function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const item of b) left.set(item, (left.get(item) ?? 0) + 1);
  const out: string[] = [];
  for (const item of a) {
    const n = left.get(item) ?? 0;
    if (n > 0) left.set(item, n - 1);
    else out.push(item);
  }
  return out.sort();
}
