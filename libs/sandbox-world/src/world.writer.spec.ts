import { checkWorldInvariants } from './world-invariants.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { generateWorld, type World } from './world.generator';

/** A job whose location's tax zone charges tax, so a given tax differs from the zone's. */
function taxedJob(world: World): { jobId: number; customerId: number; ratePpm: number } {
  const { store } = world;
  const job = store.snapshot('job').find((j) => {
    const location = store.get('location', j.locationId);
    const zone = location && store.get('taxZone', location.taxZoneId);
    return j.active && zone !== undefined && zone.ratePpm > 0;
  });
  if (!job) throw new Error('no job in a taxed zone');
  const location = store.require('location', job.locationId);
  return {
    jobId: job.id,
    customerId: job.customerId,
    ratePpm: store.require('taxZone', location.taxZoneId).ratePpm,
  };
}

const LINES = [
  { type: 'Service' as const, description: 'Tune-up', unitPrice: 18_950, taxable: true },
  { type: 'Material' as const, description: 'Filter', unitPrice: 2_425, quantityMilli: 2000, taxable: true },
];

describe('WorldWriter.createInvoice', () => {
  let world: World;
  beforeEach(() => {
    world = generateWorld({ seed: 5, size: 60 });
  });

  it("applies the location's tax zone when no tax is given", () => {
    const { jobId, ratePpm } = taxedJob(world);
    const invoice = world.writer.createInvoice({ jobId, items: LINES });
    expect(invoice.subTotal).toBe(23_800);
    expect(invoice.salesTax).toBe(Math.floor((23_800 * ratePpm * 2 + 1_000_000) / 2_000_000));
    expect(invoice.total).toBe(23_800 + invoice.salesTax);
  });

  it('stores a given tax as it is, in the total, the balance and the customer balance', () => {
    const { jobId, customerId } = taxedJob(world);
    const before = world.store.require('customer', customerId).balance;
    const invoice = world.writer.createInvoice({
      jobId,
      items: LINES,
      discounts: [{ description: 'Loyalty', amount: 1_000, taxable: false }],
      expectedSubTotal: 22_800,
      taxOverride: 1_234,
    });
    expect(invoice).toMatchObject({ subTotal: 23_800, discount: 1_000, salesTax: 1_234, total: 24_034 });
    expect(invoice.balance).toBe(24_034);
    expect(world.store.require('customer', customerId).balance).toBe(before + 24_034);
    // The world stays consistent: the invariants know a given tax from a computed one.
    expect(invoice.salesTaxGiven).toBe(true);
    expect(checkWorldInvariants(world.store)).toEqual([]);
  });

  it('refuses a subtotal the lines do not come to, or a tax that is not cents, and writes nothing', () => {
    const { jobId } = taxedJob(world);
    const count = world.store.count('invoice');
    const refusal = (input: { expectedSubTotal?: number; taxOverride?: number }): WorldRuleError => {
      try {
        world.writer.createInvoice({ jobId, items: LINES, ...input });
      } catch (error) {
        if (error instanceof WorldRuleError) return error;
        throw error;
      }
      throw new Error('createInvoice did not refuse');
    };
    expect(refusal({ expectedSubTotal: 23_799 })).toMatchObject({
      code: WorldRuleCode.InvalidValue,
      details: { field: 'subTotal', subTotal: 23_799, lines: 23_800 },
    });
    expect(refusal({ taxOverride: -1 })).toMatchObject({
      code: WorldRuleCode.InvalidValue,
      details: { field: 'salesTax' },
    });
    expect(refusal({ taxOverride: 12.5 })).toMatchObject({ code: WorldRuleCode.InvalidValue });
    expect(world.store.count('invoice')).toBe(count);
  });
});

describe('WorldWriter customer tags', () => {
  let world: World;
  beforeEach(() => {
    world = generateWorld({ seed: 5, size: 60 });
  });

  const ADDRESS = {
    street: '12 Juniper Row',
    unit: null,
    city: 'Austin',
    state: 'TX',
    zip: '78701',
    country: 'USA' as const,
    latitude: 30.2672,
    longitude: -97.7431,
  };
  const newCustomer = (tags?: string[]) => {
    const taxZoneId = world.store.snapshot('taxZone')[0]?.id as number;
    return world.writer.createCustomer({
      name: 'Wren Castellano',
      type: 'Residential',
      address: ADDRESS,
      locations: [{ address: ADDRESS, taxZoneId }],
      ...(tags ? { tags } : {}),
    }).customer;
  };

  it("keeps a new customer's tags trimmed and once each, and a customer without tags has no tags field", () => {
    expect(newCustomer([' VIP ', 'VIP', 'Pool', '']).tags).toEqual(['VIP', 'Pool']);
    expect('tags' in newCustomer()).toBe(false);
    expect('tags' in newCustomer([])).toBe(false);
  });

  it('replaces the tags on update, and an empty list clears them', () => {
    const customer = newCustomer(['VIP']);
    expect(world.writer.updateCustomer(customer.id, { tags: ['VIP', 'Net 30'] }).tags).toEqual([
      'VIP',
      'Net 30',
    ]);
    const cleared = world.writer.updateCustomer(customer.id, { tags: [] });
    expect(cleared.tags).toBeUndefined();
    expect(JSON.stringify(cleared)).not.toContain('tags');
    expect(world.writer.updateCustomer(customer.id, { name: 'Wren C' }).tags).toBeUndefined();
    expect(checkWorldInvariants(world.store)).toEqual([]);
  });

  it('refuses a tag over 100 characters and writes nothing', () => {
    const customer = newCustomer();
    const before = world.store.rowVersion;
    let refused: unknown;
    try {
      world.writer.updateCustomer(customer.id, { tags: ['x'.repeat(101)] });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(WorldRuleError);
    expect((refused as WorldRuleError).code).toBe(WorldRuleCode.InvalidValue);
    expect(world.store.rowVersion).toBe(before);
  });
});
