import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { mapJob } from './job.mapper';
import { money } from './mapping.util';
import { housecallproJobSchema } from '../housecallpro.schemas';

/*
 * Housecall Pro sends money as integer cents (vendors.md §3; §6 item 7: integrators misread them as
 * dollars, a 100× error). The amounts here are the vendor's own examples from its published API
 * description (shared/reference/openapi/housecall-pro/housecall-v1.yaml), read from the file.
 */

const SHARED_DIR = process.env['FIELDSYNC_SHARED_DIR'] ?? resolve(__dirname, '../../../../../../shared');
const yaml = parse(
  readFileSync(resolve(SHARED_DIR, 'reference/openapi/housecall-pro/housecall-v1.yaml'), 'utf8'),
) as {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example?: unknown }> } }>>;
};

interface OptionExample {
  line_items: { unit_price: number; unit_cost: number; quantity: number }[];
}
const optionExample = yaml.paths['/estimates/{estimate_id}/options']?.['post']?.requestBody?.content[
  'application/json'
]?.example as OptionExample;

describe('Housecall Pro money', () => {
  it("reads the vendor's example cents as exact minor units", () => {
    const [labor] = optionExample.line_items;
    expect(labor).toMatchObject({ unit_price: 10000, unit_cost: 5000, quantity: 2 });
    expect(money(labor?.unit_price ?? 0)).toBe(100);
    expect(money(labor?.unit_cost ?? 0)).toBe(50);
    expect(money(1)).toBe(0.01);
    expect(money(123_456_789)).toBe(1_234_567.89);
  });

  it("maps a job priced at the example's line (2 × 10000 cents) to 200.00, not 20000.00", () => {
    const [labor] = optionExample.line_items;
    const total = (labor?.unit_price ?? 0) * (labor?.quantity ?? 0);
    const id = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, '0')}`;
    const wire = housecallproJobSchema.parse({
      id: id('job_', 1),
      invoice_number: '1001',
      description: 'Labor',
      customer: { id: id('cus_', 2) },
      address: null,
      notes: [],
      work_status: 'complete unrated',
      work_timestamps: { on_my_way_at: null, started_at: null, completed_at: '2026-03-02T18:00:00.000Z' },
      schedule: {},
      total_amount: total,
      outstanding_balance: 2050,
      subtotal: total,
      assigned_employees: [],
      tags: [],
      original_estimate_id: null,
      original_estimate_uuids: [],
      lead_source: null,
      job_fields: {},
      created_at: '2026-03-01T18:00:00.000Z',
      updated_at: '2026-03-02T18:00:00.000Z',
      canceled_at: null,
      deleted_at: null,
      company_name: 'Brightside',
      company_id: 'c',
    });
    const job = mapJob(wire, {
      record: { entity: 'job', externalId: wire.id, raw: wire, deleted: false },
      ctx: { tenantId: 't', connectionId: 'conn-1' },
    } as never);
    expect([job.total, job.subtotal, job.balance, job.amountPaid]).toEqual([200, 200, 20.5, 179.5]);
  });
});
