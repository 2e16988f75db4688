import { DAY } from './world-time.constants';
import { generateWorld, type World } from './world.generator';
import { TomPeriodLockedError } from './world-tom.ledger';
import {
  tomAccountingPeriodSchema,
  tomCreditMemoSchema,
  tomCreditStatus,
  tomPricingZoneSchema,
  tomPurchaseOrderSchema,
  tomSerializedItemSchema,
  tomStockLevelSchema,
  tomWarehouseSchema,
} from './world-tom.schema';

const text = (world: World): string =>
  JSON.stringify({
    warehouses: world.tom.warehouses(),
    stock: world.tom.stockLevels(),
    orders: world.tom.purchaseOrders(),
    serials: world.tom.serializedItems(),
    periods: world.tom.periods(),
    credits: world.tom.creditMemos(),
    zones: world.tom.pricingZones(),
    zonePrices: [...world.store.all('pricebookItem')].map((i) => world.tom.zonePricesOf(i.id)),
  });

describe('TomLedger (Total Office Manager-only records beside the world)', () => {
  it('is a pure function of seed and size, and differs between seeds', () => {
    const a = generateWorld({ seed: 5, size: 1_200 });
    const b = generateWorld({ seed: 5, size: 1_200 });
    const c = generateWorld({ seed: 6, size: 1_200 });
    expect(text(a)).toBe(text(b));
    expect(text(a)).not.toBe(text(c));
  });

  it('generates warehouses, one truck per technician, stock, purchase orders, serials and periods', () => {
    const world = generateWorld({ seed: 2, size: 3_000 });
    const { tom } = world;
    const warehouses = tom.warehouses();
    for (const w of warehouses) tomWarehouseSchema.parse(w);
    const technicians = [...world.store.all('employee')].filter(
      (e) => e.role === 'Technician' && e.deletedOn === null,
    );
    expect(warehouses.filter((w) => w.kind === 'Truck').map((w) => w.technicianId)).toEqual(
      technicians.map((t) => t.id),
    );
    expect(warehouses.filter((w) => w.kind === 'Warehouse').length).toBe(2);
    for (const s of tom.stockLevels()) {
      tomStockLevelSchema.parse(s);
      expect(s.reserved).toBeLessThanOrEqual(s.onHand);
      expect(world.store.get('pricebookItem', s.itemId)?.type).not.toBe('Service');
    }
    const orders = tom.purchaseOrders();
    expect(orders.length).toBeGreaterThanOrEqual(3);
    for (const o of orders) tomPurchaseOrderSchema.parse(o);
    expect(tom.serializedItems().length).toBeGreaterThan(0);
    for (const s of tom.serializedItems()) tomSerializedItemSchema.parse(s);
    const periods = tom.periods();
    for (const p of periods) tomAccountingPeriodSchema.parse(p);
    // 2026-03-02: January was closed on February 10, February is still open.
    expect(periods.find((p) => p.name === '2026-01')?.closed).toBe(true);
    expect(periods.find((p) => p.name === '2026-02')?.closed).toBe(false);
    expect(periods.find((p) => p.name === '2026-03')?.closed).toBe(false);
  });

  it('prices some items per pricing zone, each zone once, near the zone’s usual markup; the rest in none', () => {
    const world = generateWorld({ seed: 2, size: 1_200 });
    const zones = world.tom.pricingZones();
    expect(zones.length).toBeGreaterThanOrEqual(3);
    for (const z of zones) tomPricingZoneSchema.parse(z);
    const items = [...world.store.all('pricebookItem')];
    const priced = items.filter((i) => world.tom.zonePricesOf(i.id).length > 0);
    expect(priced.length).toBeGreaterThan(items.length / 3);
    expect(priced.length).toBeLessThan(items.length);
    // Not every priced item is priced in every zone.
    expect(priced.some((i) => world.tom.zonePricesOf(i.id).length < zones.length)).toBe(true);
    for (const item of priced) {
      const prices = world.tom.zonePricesOf(item.id);
      expect(new Set(prices.map((p) => p.zone.id)).size).toBe(prices.length);
      for (const { price } of prices) {
        expect(Number.isInteger(price)).toBe(true);
        expect(price).toBeGreaterThanOrEqual(Math.floor(item.price * 0.97));
        expect(price).toBeLessThanOrEqual(Math.ceil(item.price * 1.18));
      }
    }
  });

  it("follows an item's price: a new standard price moves its zone prices by the same ratio", () => {
    const world = generateWorld({ seed: 2, size: 1_200 });
    const item = [...world.store.all('pricebookItem')].find(
      (i) => i.deletedOn === null && i.price >= 10_000 && world.tom.zonePricesOf(i.id).length > 0,
    );
    if (!item) throw new Error('no priced item of $100 or more');
    const before = world.tom.zonePricesOf(item.id);
    world.store.update('pricebookItem', item.id, { price: item.price * 2 });
    const after = world.tom.zonePricesOf(item.id);
    expect(after.map((p) => p.zone.name)).toEqual(before.map((p) => p.zone.name));
    after.forEach((p, i) => expect(Math.abs(p.price - 2 * (before[i]?.price ?? 0))).toBeLessThanOrEqual(1));
  });

  it('keeps on-order quantities equal to what open purchase orders still bring', () => {
    const world = generateWorld({ seed: 3, size: 2_000 });
    world.clock.advance(5 * DAY);
    const expected = new Map<string, number>();
    for (const o of world.tom.purchaseOrders()) {
      if (o.status !== 'Open' && o.status !== 'Partially Received') continue;
      for (const l of o.lines) {
        const key = `${String(o.warehouseId)}:${String(l.itemId)}`;
        expected.set(key, (expected.get(key) ?? 0) + l.quantity - l.received);
      }
    }
    const actual = new Map(
      world.tom
        .stockLevels()
        .filter((s) => s.onOrder > 0)
        .map((s) => [`${String(s.warehouseId)}:${String(s.itemId)}`, s.onOrder]),
    );
    expect(actual).toEqual(new Map([...expected].filter(([, n]) => n > 0)));
  });

  it('moves stock and orders as the clock runs, and closes a month ten days after it ends', () => {
    const world = generateWorld({ seed: 4, size: 1_500 });
    const before = text(world);
    expect(world.tom.periodOf('2026-02-15')?.closed).toBe(false);
    world.clock.advance(12 * DAY);
    expect(text(world)).not.toBe(before);
    expect(world.tom.periodOf('2026-02-15')?.closed).toBe(true);
    expect(() => world.tom.assertOpen('2026-02-15')).toThrow(TomPeriodLockedError);
    expect(() => world.tom.assertOpen('2026-03-14')).not.toThrow();
  });

  it('lets the office reopen a closed period, and the month-end close leaves it open', () => {
    const world = generateWorld({ seed: 4, size: 800 });
    world.tom.setPeriodClosed('2026-01', false);
    world.clock.advance(DAY);
    expect(world.tom.periodOf('2026-01-31')?.closed).toBe(false);
    world.tom.setPeriodClosed('2026-01', true);
    expect(() => world.tom.assertOpen('2026-01-31')).toThrow(/2026-01 is closed/);
  });

  it('issues credit memos against invoices: their lines, the invoice’s tax rate, total = subtotal + tax', () => {
    const world = generateWorld({ seed: 2, size: 3_000 });
    const credits = world.tom.creditMemos();
    expect(credits.length).toBeGreaterThanOrEqual(3);
    for (const c of credits) {
      tomCreditMemoSchema.parse(c);
      const invoice = world.store.get('invoice', c.invoiceId);
      expect(invoice?.customerId).toBe(c.customerId);
      for (const line of c.lines) {
        // A line of the invoice, for at most its quantity (an invoice may bill one item on several lines).
        const source = invoice?.items.some(
          (l) =>
            l.code === line.code &&
            l.description === line.description &&
            l.unitPrice === line.unitPrice &&
            line.quantityMilli <= l.quantityMilli,
        );
        expect([c.number, line.code, source]).toEqual([c.number, line.code, true]);
      }
      expect(c.total).toBe(c.subtotal + c.tax);
      expect(c.applied).toBeLessThanOrEqual(c.total);
    }
    expect(new Set(credits.map((c) => tomCreditStatus(c))).size).toBeGreaterThan(1);
  });

  it('issues, applies and voids credits as the clock runs; a credit dated in a closed period is refused', () => {
    const world = generateWorld({ seed: 4, size: 1_500 });
    const before = JSON.stringify(world.tom.creditMemos());
    const count = world.tom.creditMemos().length;
    world.clock.advance(3 * DAY);
    const after = world.tom.creditMemos();
    expect(JSON.stringify(after)).not.toBe(before);
    expect(after.length).toBeGreaterThan(count);
    for (const c of after) tomCreditMemoSchema.parse(c);

    const invoice = [...world.store.all('invoice')].find(
      (i) => i.deletedOn === null && i.items.some((l) => l.type !== 'Discount'),
    );
    const line = invoice?.items.find((l) => l.type !== 'Discount');
    if (!invoice || !line) throw new Error('no invoice with a creditable line');
    const revision = world.tom.revision();
    expect(() =>
      world.tom.issueCredit({
        invoiceId: invoice.id,
        date: '2026-01-20',
        lines: [{ lineId: line.id, quantityMilli: line.quantityMilli }],
      }),
    ).toThrow(TomPeriodLockedError);
    expect(world.tom.revision()).toBe(revision);
    const issued = world.tom.issueCredit({
      invoiceId: invoice.id,
      date: '2026-03-04',
      lines: [{ lineId: line.id, quantityMilli: line.quantityMilli }],
      memo: 'Returned part',
    });
    expect(issued).toMatchObject({ date: '2026-03-04', applied: 0, voided: false, memo: 'Returned part' });
    expect(tomCreditStatus(issued)).toBe('Open');
    expect(world.tom.creditMemos()).toContainEqual(issued);
    expect(() =>
      world.tom.issueCredit({
        invoiceId: invoice.id,
        date: '2026-03-04',
        lines: [{ lineId: line.id, quantityMilli: line.quantityMilli + 1 }],
      }),
    ).toThrow(/between 0 and its quantity/);
  });
});
