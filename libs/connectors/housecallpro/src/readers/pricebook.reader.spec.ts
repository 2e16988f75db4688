import type { SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import pino from 'pino';
import { HousecallProClient, type CallContext } from '../housecallpro.client';
import { HousecallProPricebookReader } from './pricebook.reader';

/*
 * The price book reader over a scripted price book answering as the sandbox does (the three lists, their
 * envelopes, `parent_uuid`, `material_category_uuid`, paging): a pass reads every service, walks the
 * category tree and reads every material with its category path; a list whose total moves between two
 * pages is read again from its first page; the pass ends caught up and the next one starts over. The
 * same reader against the real sandbox: the connector e2e and the extractor's vendors e2e.
 */

type Row = Record<string, unknown>;

class ScriptedPricebook extends HousecallProClient {
  services: Row[] = [];
  categories: Row[] = [];
  materials: Row[] = [];
  calls: string[] = [];
  /** Runs after each call (a change between two pages). */
  afterCall: () => void = () => undefined;

  override async get(_ctx: CallContext, path: string, query: Readonly<Record<string, string>> = {}) {
    this.calls.push(`${path} ${query['page'] ?? ''}`);
    const page = Number(query['page']);
    const size = Number(query['page_size']);
    const slice = (rows: Row[]) => rows.slice((page - 1) * size, page * size);
    try {
      if (path === '/api/price_book/services')
        return {
          object: 'list',
          page,
          page_size: size,
          total_pages: Math.ceil(this.services.length / size),
          total_items: this.services.length,
          data: slice(this.services),
          url: path,
        };
      if (path === '/api/price_book/material_categories') {
        const under = this.categories.filter((c) => c['parent_uuid'] === (query['parent_uuid'] ?? null));
        return {
          object: 'list',
          page,
          page_size: size,
          total_count: under.length,
          data: slice(under),
          url: path,
        };
      }
      const rows = this.materials.filter(
        (m) => m['material_category_uuid'] === query['material_category_uuid'],
      );
      return {
        object: 'list',
        page,
        page_size: size,
        total_pages_count: Math.ceil(rows.length / size),
        total_count: rows.length,
        data: slice(rows),
        url: path,
      };
    } finally {
      this.afterCall();
    }
  }
}

const service = (n: number): Row => ({
  object: 'service',
  uuid: `pbsvc_${String(n)}`,
  name: `Service ${String(n)}`,
  description: null,
  task_number: `SVC-${String(n)}`,
  flat_rate_enabled: true,
  service_materials: { object: 'list', data: [] },
  service_labor_rates: { object: 'list', data: [] },
  managed_by: null,
  price: 10_000 + n,
  cost: 2_500,
  taxable: true,
  unit_of_measure: 'each',
  online_booking_enabled: false,
  duration: 60,
  assigned_pros: { object: 'list', data: [] },
  question_1: null,
  question_2: null,
});
const category = (uuid: string, name: string, parent: string | null): Row => ({
  object: 'material_category',
  uuid,
  parent_uuid: parent,
  name,
});
const material = (n: number, categoryUuid: string): Row => ({
  object: 'material',
  uuid: `pbmat_${String(n)}`,
  material_category_uuid: categoryUuid,
  material_category_name: '',
  name: `Material ${String(n)}`,
  description: '',
  cost: 90,
  price: 120,
  unit_of_measure: 'each',
  part_number: `MAT-${String(n)}`,
  flat_rate_enabled: false,
  taxable: true,
});

const ctx: SyncContext = {
  tenantId: 't',
  connectionId: 'c',
  vendor: 'housecallpro',
  session: {} as SyncContext['session'],
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  now: () => new Date(),
};

async function pass(reader: HousecallProPricebookReader, from: string | null = null) {
  const records: VendorRecord[] = [];
  let checkpoint = from;
  for (let guard = 0; guard < 100; guard++) {
    const page = await reader.readPage(ctx, checkpoint);
    records.push(...page.records);
    checkpoint = page.checkpoint;
    if (page.caughtUp) return { records, checkpoint };
  }
  throw new Error('the pass never caught up');
}

function vendor(): ScriptedPricebook {
  const v = new ScriptedPricebook();
  v.services = Array.from({ length: 150 }, (_, i) => service(i + 1));
  v.categories = [
    category('pbmatcat_1', 'Materials', null),
    category('pbmatcat_2', 'Equipment', null),
    category('pbmatcat_3', 'Plumbing', 'pbmatcat_2'),
  ];
  v.materials = [
    ...Array.from({ length: 120 }, (_, i) => material(i + 1, 'pbmatcat_1')),
    material(500, 'pbmatcat_3'),
  ];
  return v;
}

describe('the Housecall Pro price book reader', () => {
  it('reads every service, walks the category tree and reads every material with its category path', async () => {
    const v = vendor();
    const reader = new HousecallProPricebookReader(v);
    const { records, checkpoint } = await pass(reader);
    const ids = records.map((r) => (r.kind === 'record' ? r.externalId : 'drift'));
    expect(ids.length).toBe(150 + 121);
    expect(new Set(ids).size).toBe(ids.length);
    const plumbing = records.find((r) => r.kind === 'record' && r.externalId === 'pbmat_500');
    expect(plumbing?.kind === 'record' && plumbing.raw).toMatchObject({
      category_path: ['Equipment', 'Plumbing'],
    });
    // The next pass starts over with the services (nothing is incremental in the price book).
    const next = await reader.readPage(ctx, checkpoint);
    expect(next.records.map((r) => (r.kind === 'record' ? r.externalId : ''))[0]).toBe('pbsvc_1');
    expect([reader.signalsDeletes, reader.reconciles]).toEqual([false, ['pricebook_item']]);
  });

  it('reads a list again from its first page when its total moves between two pages', async () => {
    const v = vendor();
    const reader = new HousecallProPricebookReader(v);
    // After the first services page, service 3 is taken out: page 2 would start at service 102.
    v.afterCall = () => {
      if (v.calls.length === 1) v.services = v.services.filter((s) => s['uuid'] !== 'pbsvc_3');
    };
    const { records } = await pass(reader);
    const services = new Set(
      records.flatMap((r) =>
        r.kind === 'record' && r.externalId.startsWith('pbsvc_') ? [r.externalId] : [],
      ),
    );
    // Every service still listed was read (service 102, shifted onto page 1, too); service 3 was read
    // before it went, and leaves with the next pass's reconciliation.
    expect(v.services.filter((s) => !services.has(String(s['uuid'])))).toEqual([]);
    expect(services.has('pbsvc_102')).toBe(true);
    expect(v.calls.slice(0, 4)).toEqual([
      '/api/price_book/services 1',
      '/api/price_book/services 2',
      '/api/price_book/services 1',
      '/api/price_book/services 2',
    ]);
  });

  it('reports a row that does not fit as drift and reads the rest; refuses a checkpoint it did not write', async () => {
    const v = vendor();
    v.materials[0] = { ...v.materials[0], price: '1.20' };
    const { records } = await pass(new HousecallProPricebookReader(v));
    const drift = records.filter((r) => r.kind === 'drift');
    expect(drift.map((r) => [r.externalId, r.kind === 'drift' ? r.issues.map((i) => i.path) : []])).toEqual([
      ['pbmat_1', ['material.price']],
    ]);
    expect(records.length).toBe(271);
    await expect(new HousecallProPricebookReader(v).readPage(ctx, '{"page":2}')).rejects.toThrow(
      'not one this reader wrote',
    );
  });
});
