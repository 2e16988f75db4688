import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { entitySchemas } from '@fieldsync/canonical-model';
import { parse } from 'yaml';
import { housecallproMapper } from '../housecallpro.mapper';

/*
 * The price book and service plan mappings. Money: the vendor's own example payloads from its published
 * API description (shared/reference/openapi/housecall-pro/housecall-v1.yaml), read from the file — the
 * "Create Material With Minimal Information" example (`cost: 90, price: 120`, cents) is the material the
 * list then returns, so it must map to 0.90 / 1.20, not 90.00 / 120.00 (the 100× error).
 */

const SHARED_DIR = process.env['FIELDSYNC_SHARED_DIR'] ?? resolve(__dirname, '../../../../../../shared');
type Example = Record<string, unknown>;
const yaml = parse(
  readFileSync(resolve(SHARED_DIR, 'reference/openapi/housecall-pro/housecall-v1.yaml'), 'utf8'),
) as {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content: Record<string, { examples?: Record<string, { value: Example }> }> } }
    >
  >;
};
const materialExample = yaml.paths['/api/price_book/materials']?.['post']?.requestBody?.content[
  'application/json'
]?.examples?.['Create Material With Minimal Information']?.value as Example;

const CTX = { tenantId: 'tenant-1', connectionId: 'conn-hcp' };
const map = (entity: 'pricebook_item' | 'membership', externalId: string, raw: unknown) =>
  housecallproMapper.toCanonical({ kind: 'record', entity, externalId, raw, deleted: false }, CTX) as Record<
    string,
    unknown
  >;
const id = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, '0')}`;

describe('Housecall Pro price book items', () => {
  it("maps the vendor's example material (cost 90, price 120 cents) to 0.90 and 1.20", () => {
    expect(materialExample).toMatchObject({ material_category_uuid: 'pbmatcat_123', cost: 90, price: 120 });
    const material = {
      object: 'material',
      uuid: 'pbmat_1',
      material_category_uuid: materialExample['material_category_uuid'],
      material_category_name: 'Fittings',
      name: materialExample['name'],
      description: '',
      cost: materialExample['cost'],
      price: materialExample['price'],
      unit_of_measure: 'each',
      part_number: 'CPV-12',
      flat_rate_enabled: false,
      taxable: true,
    };
    const doc = map('pricebook_item', 'pbmat_1', { material, category_path: ['Materials', 'Fittings'] });
    expect(doc).toMatchObject({
      kind: 'material',
      code: 'CPV-12',
      name: 'New Name',
      description: null,
      category: 'Materials / Fittings',
      unit: 'each',
      currency: 'USD',
      price: 1.2,
      cost: 0.9,
      memberPrice: null,
      zonePrices: null,
      durationMinutes: null,
      taxable: true,
      active: true,
      inventoryTracked: false,
      createdAt: '1970-01-01T00:00:00Z',
    });
    expect(entitySchemas.pricebook_item.safeParse(doc).success).toBe(true);
  });

  it('maps a service: task number as code, its category, duration in minutes, money from cents', () => {
    const doc = map('pricebook_item', 'pbsvc_1', {
      object: 'service',
      uuid: 'pbsvc_1',
      name: 'Water heater flush',
      description: null,
      task_number: 'SVC-101',
      flat_rate_enabled: true,
      service_materials: { object: 'list', data: [] },
      service_labor_rates: { object: 'list', data: [] },
      managed_by: null,
      price: 18_950,
      cost: 4_738,
      taxable: false,
      unit_of_measure: 'each',
      category: { id: 10_000_001, name: 'Plumbing' },
      online_booking_enabled: false,
      duration: 90,
      assigned_pros: { object: 'list', data: [] },
      question_1: null,
      question_2: null,
    });
    expect(doc).toMatchObject({
      kind: 'service',
      code: 'SVC-101',
      category: 'Plumbing',
      price: 189.5,
      cost: 47.38,
      durationMinutes: 90,
      taxable: false,
    });
  });

  it('refuses a row that fits neither schema, naming the field', () => {
    expect(() =>
      map('pricebook_item', 'pbsvc_2', { object: 'service', uuid: 'pbsvc_2', price: '12.00' }),
    ).toThrow(/price/);
  });
});

describe('Housecall Pro service plan agreements', () => {
  const plan = {
    id: id('svcplan_', 7),
    customer_id: id('cus_', 3),
    address_id: id('adr_', 4),
    name: 'Comfort Club',
    status: 'paused',
    billing_frequency: 'yearly',
    price: 19_900,
    start_date: '2026-01-15',
    end_date: '2027-01-14',
    canceled_at: null,
    created_at: '2026-01-15T17:00:00Z',
    updated_at: '2026-06-01T12:30:00Z',
  };

  it("maps the web app's agreement: paused → suspended (its word kept), yearly → annual, cents → 199.00", () => {
    const doc = map('membership', plan.id, plan);
    expect(doc).toMatchObject({
      name: 'Comfort Club',
      status: 'suspended',
      vendorStatus: 'paused',
      billingFrequency: 'annual',
      price: 199,
      currency: 'USD',
      startDate: '2026-01-15',
      endDate: '2027-01-14',
      canceledAt: null,
      createdAt: '2026-01-15T17:00:00Z',
      updatedAt: '2026-06-01T12:30:00Z',
    });
    const other = map('membership', plan.id, {
      ...plan,
      status: 'canceled',
      canceled_at: '2026-07-01T00:00:00Z',
    });
    expect([other['status'], other['canceledAt']]).toEqual(['canceled', '2026-07-01T00:00:00Z']);
    expect(
      map('membership', plan.id, { ...plan, billing_frequency: 'every 18 months' })['billingFrequency'],
    ).toBe('other');
  });

  it('refuses an unknown state by name', () => {
    expect(() => map('membership', plan.id, { ...plan, status: 'on hold' })).toThrow(/status/);
  });
});
