import { lineTotal, taxOn } from './world-money.util';
import { WorldRng } from './world-rng.util';
import { DAY, HOUR, MINUTE } from './world-time.constants';
import type { WorldClock } from './world.clock';
import type { WorldStore } from './world.store';
import {
  TOM_TIMEZONE,
  tomCreditMemoSchema,
  tomPurchaseOrderSchema,
  type TomAccountingPeriod,
  type TomCreditMemo,
  type TomPurchaseOrder,
  type TomPurchaseOrderStatus,
  type TomPricingZone,
  type TomSerializedItem,
  type TomStockLevel,
  type TomWarehouse,
  type TomZonePrice,
} from './world-tom.schema';

const WAREHOUSE_BASE = 800_000_001;
const PURCHASE_ORDER_BASE = 810_000_001;
const SERIAL_BASE = 820_000_001;
const PERIOD_BASE = 830_000_001;
const PO_NUMBER_BASE = 4_001;
const CREDIT_BASE = 840_000_001;
const CREDIT_NUMBER_BASE = 9_001;
const CREDIT_LINE_BASE = 850_000_001;
const ZONE_BASE = 860_000_001;
/** Mean simulated time between two credit events (a credit issued, applied or voided). */
const CREDIT_MEAN_ARRIVAL_MS = 4 * HOUR;

/** How far back the generated purchase orders go. */
const PO_HISTORY_DAYS = 120;
/** Months of books before the current one (the world's history is two years). */
const PERIOD_MONTHS_BACK = 26;
/** A month is closed this long after its last day (the bookkeeper's month-end close). */
const CLOSE_AFTER_MS = 10 * DAY;
/** Mean simulated time between two inventory events (a part used, a transfer, an order, a receipt). */
const MEAN_ARRIVAL_MS = 45 * MINUTE;

const SUPPLIERS = [
  'Ferguson HVAC Supply',
  'Johnstone Supply',
  'Winsupply of Austin',
  'Graybar Electric',
  'Hajoca Plumbing Supply',
  'Carrier Enterprise',
] as const;

/**
 * The pricing zones of the Austin business's service territory, with how far above the standard price
 * the zone is usually priced (parts per million); each item's zone price varies a little around it.
 */
const PRICING_ZONES = [
  { name: 'Central Austin', description: 'Inside Loop 1 and Highway 183', ratioPpm: 1_000_000 },
  { name: 'North (Round Rock)', description: 'Round Rock, Pflugerville, Georgetown', ratioPpm: 1_060_000 },
  { name: 'South (San Marcos)', description: 'Buda, Kyle, San Marcos', ratioPpm: 1_080_000 },
  { name: 'West (Hill Country)', description: 'Lakeway, Dripping Springs, Bee Cave', ratioPpm: 1_150_000 },
] as const;

const LOCAL_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: TOM_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYY-MM-DD` of an instant in the business's calendar (TOM keeps local dates). */
export function tomLocalDate(ms: number): string {
  return LOCAL_DATE.format(new Date(ms));
}

export class TomPeriodLockedError extends Error {
  constructor(
    readonly period: TomAccountingPeriod,
    readonly date: string,
  ) {
    super(`The accounting period ${period.name} is closed; ${date} cannot be posted.`);
    this.name = 'TomPeriodLockedError';
  }
}

/** The records TOM keeps a memo on beyond the world's own fields. */
export type TomMemoKind = 'customer' | 'invoice' | 'job';

function stockKey(warehouseId: number, itemId: number): string {
  return `${warehouseId}:${itemId}`;
}

/**
 * Total Office Manager's part of the sandbox business, beside the world's store
 * (world-tom.schema.ts says why): generated once with the world from a random stream of its own
 * (`tom:<seed>:<size>`), then made live by its own activity (parts used on trucks, transfers, orders,
 * receipts, serialized units installed, month-end closes), applied up to the world clock's now before
 * every read, so it is a pure function of the seed, the size and the clock.
 */
export class TomLedger {
  readonly timezone = TOM_TIMEZONE;
  private readonly warehousesById = new Map<number, TomWarehouse>();
  private readonly stockByKey = new Map<string, TomStockLevel>();
  private readonly ordersById = new Map<number, TomPurchaseOrder>();
  private readonly serialsById = new Map<number, TomSerializedItem>();
  private readonly periodsByName = new Map<string, TomAccountingPeriod>();
  private readonly zonesById = new Map<number, TomPricingZone>();
  /** Each priced item's zone prices, in zone order. */
  private readonly zonePricesByItem = new Map<number, TomZonePrice[]>();
  /** Periods the office reopened by hand: the month-end close leaves them open. */
  private readonly reopened = new Set<string>();
  /** Memos TOM keeps on customers, invoices and work orders' status changes (the world has no such field): `<kind>:<id>` → text. */
  private readonly memos = new Map<string, string>();
  /** Posting dates typed on TOM's invoice form (`YYYY-MM-DD`), when not the day it was entered. */
  private readonly invoiceDates = new Map<number, string>();
  private readonly creditsById = new Map<number, TomCreditMemo>();
  private readonly activity: WorldRng;
  /** Credits have a random stream and arrivals of their own: the inventory activity stays what it was. */
  private readonly creditActivity: WorldRng;
  private nextCreditArrival: number;
  private nextCredit = CREDIT_BASE;
  private nextCreditNumber = CREDIT_NUMBER_BASE;
  private nextCreditLine = CREDIT_LINE_BASE;
  private inventoryItemIds: number[] = [];
  private nextArrival: number;
  private nextWarehouse = WAREHOUSE_BASE;
  private nextOrder = PURCHASE_ORDER_BASE;
  private nextSerial = SERIAL_BASE;
  private nextPoNumber = PO_NUMBER_BASE;
  private revisions = 0;

  private constructor(
    private readonly store: WorldStore,
    private readonly clock: WorldClock,
    private readonly seedText: string,
  ) {
    this.activity = new WorldRng(`${seedText}:activity`);
    this.nextArrival = clock.now() + this.gap();
    this.creditActivity = new WorldRng(`${seedText}:credits`);
    this.nextCreditArrival = clock.now() + this.creditGap();
  }

  /** Generates TOM's records for a freshly generated world (call it before any activity). */
  static generate(store: WorldStore, clock: WorldClock, seed: number | string, size: number): TomLedger {
    const ledger = new TomLedger(store, clock, `tom:${String(seed)}:${size}`);
    ledger.generateHistory(new WorldRng(ledger.seedText), size);
    return ledger;
  }

  // ---- reads (each applies the activity due up to now first) ----

  /** Grows with every change of the ledger (activity and the office's writes): a cache key for renderers. */
  revision(): number {
    this.catchUp();
    return this.revisions;
  }

  warehouses(): readonly TomWarehouse[] {
    this.catchUp();
    return [...this.warehousesById.values()];
  }

  warehouse(id: number): TomWarehouse | undefined {
    this.catchUp();
    return this.warehousesById.get(id);
  }

  /** Stock levels in (warehouse, item) order. */
  stockLevels(): readonly TomStockLevel[] {
    this.catchUp();
    return [...this.stockByKey.values()].sort((a, b) => a.warehouseId - b.warehouseId || a.itemId - b.itemId);
  }

  purchaseOrders(): readonly TomPurchaseOrder[] {
    this.catchUp();
    return [...this.ordersById.values()];
  }

  purchaseOrder(id: number): TomPurchaseOrder | undefined {
    this.catchUp();
    return this.ordersById.get(id);
  }

  serializedItems(): readonly TomSerializedItem[] {
    this.catchUp();
    return [...this.serialsById.values()];
  }

  /** The pricing zones, in the order TOM lists them. */
  pricingZones(): readonly TomPricingZone[] {
    this.catchUp();
    return [...this.zonesById.values()];
  }

  /**
   * An item's price in each zone it is priced in (zone order; none for an item priced only at its standard
   * price), in cents: its current standard price times the zone's ratio, rounded to the cent.
   */
  zonePricesOf(itemId: number): readonly { readonly zone: TomPricingZone; readonly price: number }[] {
    const item = this.store.get('pricebookItem', itemId);
    if (!item) return [];
    return (this.zonePricesByItem.get(itemId) ?? []).flatMap((p) => {
      const zone = this.zonesById.get(p.zoneId);
      return zone ? [{ zone, price: Math.round((item.price * p.ratioPpm) / 1_000_000) }] : [];
    });
  }

  /** Credit memos by number. */
  creditMemos(): readonly TomCreditMemo[] {
    this.catchUp();
    return [...this.creditsById.values()];
  }

  periods(): readonly TomAccountingPeriod[] {
    this.catchUp();
    return [...this.periodsByName.values()];
  }

  /** The period a local date (`YYYY-MM-DD`) falls in, or undefined outside the books. */
  periodOf(date: string): TomAccountingPeriod | undefined {
    this.catchUp();
    return this.periodsByName.get(date.slice(0, 7));
  }

  /** Throws TomPeriodLockedError when `date` falls in a closed period (what the portal's forms check). */
  assertOpen(date: string): void {
    const period = this.periodOf(date);
    if (period?.closed) throw new TomPeriodLockedError(period, date);
  }

  memo(kind: TomMemoKind, id: number): string {
    return this.memos.get(`${kind}:${String(id)}`) ?? '';
  }

  /** The invoice's posting date as typed on the form (`YYYY-MM-DD`), or undefined: its invoiceDate. */
  invoiceDate(id: number): string | undefined {
    return this.invoiceDates.get(id);
  }

  // ---- the office's writes ----

  setMemo(kind: TomMemoKind, id: number, memo: string): void {
    this.revisions += 1;
    if (memo === '') this.memos.delete(`${kind}:${String(id)}`);
    else this.memos.set(`${kind}:${String(id)}`, memo);
  }

  /** Records the posting date typed on the invoice form; a date in a closed period is refused. */
  setInvoiceDate(id: number, date: string): void {
    this.assertOpen(date);
    this.revisions += 1;
    this.invoiceDates.set(id, date);
  }

  /**
   * Issues a credit memo against an invoice, dated `date` (`YYYY-MM-DD`, local): some of its lines
   * (`lines`: the invoice lines' ids and the quantities credited, in thousandths), taxed at the invoice's
   * rate. A date in a closed period is refused (TomPeriodLockedError), as TOM refuses to post it.
   */
  issueCredit(input: {
    readonly invoiceId: number;
    readonly date: string;
    readonly lines: readonly { readonly lineId: number; readonly quantityMilli: number }[];
    readonly memo?: string;
  }): TomCreditMemo {
    this.catchUp();
    this.assertOpen(input.date);
    const credit = this.newCredit(input, this.clock.now());
    this.revisions += 1;
    this.creditsById.set(credit.id, credit);
    return credit;
  }

  /** Closes or reopens a period by hand (Accounting → Periods). */
  setPeriodClosed(name: string, closed: boolean): TomAccountingPeriod {
    this.catchUp();
    const period = this.periodsByName.get(name);
    if (!period) throw new RangeError(`no accounting period ${name}`);
    const now = this.clock.now();
    this.revisions += 1;
    if (closed) this.reopened.delete(name);
    else this.reopened.add(name);
    const next = { ...period, closed, closedOn: closed ? now : null, modifiedOn: now };
    this.periodsByName.set(name, next);
    return next;
  }

  // ---- generation ----

  private generateHistory(rng: WorldRng, size: number): void {
    const now = this.clock.now();
    this.inventoryItemIds = [...this.store.all('pricebookItem')]
      .filter((i) => i.deletedOn === null && i.type !== 'Service')
      .map((i) => i.id);
    this.generatePeriods(now);
    this.generateWarehouses(rng.fork('warehouses'));
    this.generateStock(rng.fork('stock'));
    this.generateOrders(rng.fork('orders'), size, now);
    this.generateSerials(rng.fork('serials'));
    this.generateCredits(rng.fork('credits'), size, now);
    this.generateZones(rng.fork('zones'));
  }

  /**
   * The pricing zones (set up with the company file) and the zone prices of about two items in three, each
   * in some of the zones; the rest sell at their standard price everywhere. A fork of its own: the other
   * records' random streams are what they were before zones existed.
   */
  private generateZones(rng: WorldRng): void {
    const founded = Math.min(...[...this.store.all('employee')].map((e) => e.createdOn));
    const zones = PRICING_ZONES.map((z) => {
      const zone: TomPricingZone = Object.freeze({
        id: ZONE_BASE + this.zonesById.size,
        createdOn: founded,
        modifiedOn: founded,
        name: z.name,
        description: z.description,
        active: true,
      });
      this.zonesById.set(zone.id, zone);
      return { zone, ratioPpm: z.ratioPpm };
    });
    const items = [...this.store.all('pricebookItem')].sort((a, b) => a.id - b.id);
    for (const item of items) {
      if (!rng.chance(0.65)) continue;
      const priced = zones.filter(() => rng.chance(0.7));
      const chosen = priced.length > 0 ? priced : [rng.pick(zones)];
      this.zonePricesByItem.set(
        item.id,
        chosen.map(({ zone, ratioPpm }) => ({
          zoneId: zone.id,
          itemId: item.id,
          ratioPpm: ratioPpm + rng.int(-3, 3) * 10_000,
        })),
      );
    }
  }

  private generatePeriods(now: number): void {
    const today = tomLocalDate(now);
    let year = Number(today.slice(0, 4));
    let month = Number(today.slice(5, 7)) - PERIOD_MONTHS_BACK;
    while (month < 1) {
      month += 12;
      year -= 1;
    }
    let id = PERIOD_BASE;
    for (let i = 0; i <= PERIOD_MONTHS_BACK; i++) {
      const start = Date.UTC(year, month - 1, 1);
      const end = Date.UTC(year, month, 0);
      const name = `${String(year)}-${String(month).padStart(2, '0')}`;
      const closesAt = end + DAY + CLOSE_AFTER_MS + 6 * HOUR;
      const closed = closesAt <= now;
      this.periodsByName.set(name, {
        id: id++,
        name,
        startDate: new Date(start).toISOString().slice(0, 10),
        endDate: new Date(end).toISOString().slice(0, 10),
        closed,
        closedOn: closed ? closesAt : null,
        modifiedOn: closed ? closesAt : start + 6 * HOUR,
      });
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
    }
  }

  private generateWarehouses(rng: WorldRng): void {
    const employees = [...this.store.all('employee')];
    const founded = Math.min(...employees.map((e) => e.createdOn));
    const office = [...this.store.all('businessUnit')][0];
    const base = {
      createdOn: founded,
      modifiedOn: founded,
      technicianId: null,
      active: true,
    } as const;
    this.addWarehouse({ ...base, kind: 'Warehouse', code: 'MAIN', name: 'Main Warehouse', address: null });
    this.addWarehouse({
      ...base,
      kind: 'Warehouse',
      code: 'NORTH',
      name: office ? `North Yard (${office.name})` : 'North Yard',
      address: null,
    });
    let truck = 1;
    for (const tech of employees.filter((e) => e.role === 'Technician' && e.deletedOn === null)) {
      this.addWarehouse({
        createdOn: tech.createdOn,
        modifiedOn: tech.createdOn,
        kind: 'Truck',
        code: `TRK-${String(truck).padStart(2, '0')}`,
        name: `Truck ${String(truck)} (${tech.name})`,
        technicianId: tech.id,
        address: null,
        active: tech.active && rng.chance(0.97),
      });
      truck += 1;
    }
  }

  private addWarehouse(fields: Omit<TomWarehouse, 'id'>): TomWarehouse {
    const warehouse = Object.freeze({ id: this.nextWarehouse++, ...fields });
    this.warehousesById.set(warehouse.id, warehouse);
    return warehouse;
  }

  private generateStock(rng: WorldRng): void {
    const material = new Set(
      this.inventoryItemIds.filter((id) => this.store.get('pricebookItem', id)?.type === 'Material'),
    );
    for (const warehouse of this.warehousesById.values()) {
      const truck = warehouse.kind === 'Truck';
      for (const itemId of this.inventoryItemIds) {
        if (truck ? !material.has(itemId) || !rng.chance(0.35) : !rng.chance(0.8)) continue;
        const onHand = rng.int(0, truck ? 12 : 60);
        this.stockByKey.set(stockKey(warehouse.id, itemId), {
          warehouseId: warehouse.id,
          itemId,
          onHand,
          reserved: rng.int(0, Math.min(onHand, 3)),
          onOrder: 0,
          reorderPoint: rng.int(0, truck ? 3 : 10),
          modifiedOn: warehouse.createdOn + rng.int(1, 30) * DAY,
        });
      }
    }
  }

  private generateOrders(rng: WorldRng, size: number, now: number): void {
    const count = Math.max(3, Math.round(size / 150));
    const stores = [...this.warehousesById.values()].filter((w) => w.kind === 'Warehouse');
    const times = Array.from({ length: count }, () => now - rng.int(1, PO_HISTORY_DAYS * 24) * HOUR).sort(
      (a, b) => a - b,
    );
    for (const at of times) {
      const warehouse = rng.pick(stores);
      const ageDays = (now - at) / DAY;
      const status: TomPurchaseOrderStatus =
        ageDays > 30
          ? rng.weighted({ Received: 5, Closed: 4, Canceled: 1 })
          : rng.weighted({ Open: 5, 'Partially Received': 2, Received: 2 });
      const order = this.newOrder(rng, warehouse.id, at, status);
      this.ordersById.set(order.id, order);
      this.applyOrderToStock(order, null);
    }
  }

  private newOrder(
    rng: WorldRng,
    warehouseId: number,
    at: number,
    status: TomPurchaseOrderStatus,
  ): TomPurchaseOrder {
    const lineCount = Math.min(this.inventoryItemIds.length, rng.int(1, 4));
    const items = new Set<number>();
    while (items.size < lineCount) items.add(rng.pick(this.inventoryItemIds));
    const lines = [...items].map((itemId) => {
      const quantity = rng.int(1, 24);
      const received =
        status === 'Received' || status === 'Closed'
          ? quantity
          : status === 'Partially Received'
            ? rng.int(0, quantity - 1)
            : 0;
      return { itemId, quantity, received, unitCost: this.store.get('pricebookItem', itemId)?.cost ?? 0 };
    });
    if (status === 'Partially Received' && lines.every((l) => l.received === 0) && lines[0]) {
      lines[0] = { ...lines[0], received: Math.max(1, Math.floor(lines[0].quantity / 2)) };
      if (lines[0].received >= lines[0].quantity) lines[0] = { ...lines[0], received: 0 };
    }
    const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unitCost, 0);
    const settled = status !== 'Open' && status !== 'Partially Received';
    return tomPurchaseOrderSchema.parse({
      id: this.nextOrder++,
      createdOn: at,
      modifiedOn: settled ? at + rng.int(2, 20) * DAY : at,
      number: `PO-${String(this.nextPoNumber++)}`,
      supplier: rng.pick(SUPPLIERS),
      warehouseId,
      status,
      orderedOn: at,
      expectedOn: at + rng.int(2, 14) * DAY,
      lines,
      tax: rng.chance(0.5) ? Math.round((subtotal * 825) / 10_000) : 0,
      shipping: rng.chance(0.4) ? rng.int(10, 120) * 100 : 0,
      memo: rng.chance(0.3) ? 'Restock for the season' : '',
    });
  }

  /** Keeps `onOrder` of the order's stock rows equal to what is still to come. */
  private applyOrderToStock(order: TomPurchaseOrder, before: TomPurchaseOrder | null): void {
    const open = (o: TomPurchaseOrder | null, itemId: number): number => {
      if (!o || o.status === 'Canceled' || o.status === 'Closed') return 0;
      const line = o.lines.find((l) => l.itemId === itemId);
      return line ? line.quantity - line.received : 0;
    };
    for (const line of order.lines) {
      const key = stockKey(order.warehouseId, line.itemId);
      const row = this.stockByKey.get(key) ?? {
        warehouseId: order.warehouseId,
        itemId: line.itemId,
        onHand: 0,
        reserved: 0,
        onOrder: 0,
        reorderPoint: 0,
        modifiedOn: order.createdOn,
      };
      const receivedNow =
        line.received - (before?.lines.find((l) => l.itemId === line.itemId)?.received ?? 0);
      const onOrder = Math.max(0, row.onOrder - open(before, line.itemId) + open(order, line.itemId));
      this.stockByKey.set(key, {
        ...row,
        onHand: row.onHand + (before ? receivedNow : 0),
        onOrder,
        modifiedOn: Math.max(row.modifiedOn, order.modifiedOn),
      });
    }
  }

  private generateSerials(rng: WorldRng): void {
    const main = [...this.warehousesById.values()][0];
    const equipment = this.inventoryItemIds.filter(
      (id) => this.store.get('pricebookItem', id)?.type === 'Equipment',
    );
    for (const itemId of equipment) {
      const item = this.store.get('pricebookItem', itemId);
      if (!item) continue;
      for (let n = rng.int(1, 3); n > 0; n--) {
        const installed = rng.chance(0.4);
        const at = item.createdOn + rng.int(1, 300) * DAY;
        const serial: TomSerializedItem = {
          id: this.nextSerial++,
          createdOn: Math.min(at, this.clock.now()),
          modifiedOn: Math.min(at, this.clock.now()),
          itemId,
          serialNumber: `${item.code.replace(/[^A-Z0-9]/gi, '').toUpperCase()}-${rng.alphanumeric(8).toUpperCase()}`,
          status: installed ? 'Installed' : 'In Stock',
          warehouseId: installed ? null : (main?.id ?? null),
        };
        this.serialsById.set(serial.id, serial);
      }
    }
  }

  private newCredit(
    input: {
      readonly invoiceId: number;
      readonly date: string;
      readonly lines: readonly { readonly lineId: number; readonly quantityMilli: number }[];
      readonly memo?: string;
    },
    at: number,
  ): TomCreditMemo {
    const invoice = this.store.get('invoice', input.invoiceId);
    if (!invoice) throw new RangeError(`no invoice ${String(input.invoiceId)}`);
    const lines = input.lines.map(({ lineId, quantityMilli }) => {
      const source = invoice.items.find((l) => l.id === lineId);
      if (!source || source.type === 'Discount')
        throw new RangeError(`invoice ${invoice.referenceNumber} has no creditable line ${String(lineId)}`);
      if (quantityMilli <= 0 || quantityMilli > source.quantityMilli)
        throw new RangeError(`a credit of line ${String(lineId)} must be between 0 and its quantity`);
      return {
        ...source,
        id: this.nextCreditLine++,
        quantityMilli,
        total: lineTotal(quantityMilli, source.unitPrice),
      };
    });
    const taxable = invoice.items.filter((l) => l.taxable).reduce((sum, l) => sum + l.total, 0);
    // The invoice's own rate, recovered from its tax (TOM credits at the rate of the document it credits).
    const taxRatePpm = taxable > 0 ? Math.round((invoice.salesTax * 1_000_000) / taxable) : 0;
    const subtotal = lines.reduce((sum, l) => sum + l.total, 0);
    const tax = taxOn(
      lines.filter((l) => l.taxable).reduce((sum, l) => sum + l.total, 0),
      taxRatePpm,
    );
    return tomCreditMemoSchema.parse({
      id: this.nextCredit++,
      createdOn: at,
      modifiedOn: at,
      number: this.nextCreditNumber++,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
      locationId: invoice.locationId,
      jobId: invoice.jobId ?? null,
      date: input.date,
      lines,
      taxRatePpm,
      subtotal,
      tax,
      total: subtotal + tax,
      applied: 0,
      voided: false,
      memo: input.memo ?? '',
    });
  }

  /** A credit for one or two lines of an invoice, part of a line's quantity or all of it. */
  private creditLinesOf(
    rng: WorldRng,
    invoice: {
      readonly items: readonly { id: number; type: string; quantityMilli: number; unitPrice: number }[];
    },
  ): { lineId: number; quantityMilli: number }[] {
    const creditable = invoice.items.filter((l) => l.type !== 'Discount' && l.unitPrice > 0);
    if (creditable.length === 0) return [];
    const picked = new Set<number>();
    for (let n = Math.min(creditable.length, rng.int(1, 2)); picked.size < n;) {
      picked.add(rng.pick(creditable).id);
    }
    return creditable
      .filter((l) => picked.has(l.id))
      .map((l) => ({
        lineId: l.id,
        quantityMilli: rng.chance(0.5) ? l.quantityMilli : Math.max(1, Math.floor(l.quantityMilli / 2)),
      }));
  }

  private generateCredits(rng: WorldRng, size: number, now: number): void {
    const invoices = [...this.store.all('invoice')]
      .filter((i) => i.deletedOn === null)
      .sort((a, b) => a.id - b.id);
    if (invoices.length === 0) return;
    const count = Math.max(3, Math.round(size / 60));
    const chosen: { invoiceId: number; at: number; items: (typeof invoices)[number]['items'] }[] = [];
    for (let n = 0; n < count; n++) {
      const invoice = rng.pick(invoices);
      const at = Math.min(invoice.createdOn + rng.int(1, 20) * DAY + rng.int(0, 8) * HOUR, now - HOUR);
      if (at <= invoice.createdOn) continue;
      chosen.push({ invoiceId: invoice.id, at, items: invoice.items });
    }
    chosen.sort((a, b) => a.at - b.at);
    for (const { invoiceId, at, items } of chosen) {
      const lines = this.creditLinesOf(rng, { items });
      if (lines.length === 0) continue;
      const memo = rng.chance(0.5) ? rng.pick(['Returned part', 'Goodwill credit', 'Billed in error']) : '';
      const credit = this.newCredit({ invoiceId, date: tomLocalDate(at), lines, memo }, at);
      const settledAt = Math.min(at + rng.int(1, 30) * DAY, now);
      const outcome = rng.weighted({ open: 3, part: 2, all: 4, void: 1 });
      const applied =
        outcome === 'all' ? credit.total : outcome === 'part' ? Math.floor(credit.total / 2) : 0;
      this.creditsById.set(credit.id, {
        ...credit,
        applied,
        voided: outcome === 'void',
        modifiedOn: outcome === 'open' ? at : settledAt,
      });
    }
  }

  /** One credit event: a credit issued today against a recent invoice, applied, or voided. */
  private arriveCredit(at: number): void {
    const rng = this.creditActivity;
    const kind = rng.weighted({ issue: 3, apply: 3, void: 1 });
    if (kind === 'issue') {
      const recent = [...this.store.all('invoice')]
        .filter((i) => i.deletedOn === null && i.createdOn <= at)
        .sort((a, b) => b.createdOn - a.createdOn || b.id - a.id)
        .slice(0, 50);
      if (recent.length === 0) return;
      const invoice = rng.pick(recent);
      const date = tomLocalDate(at);
      // Read without catchUp (this runs inside it): a credit is never dated in a closed period.
      if (this.periodsByName.get(date.slice(0, 7))?.closed) return;
      const lines = this.creditLinesOf(rng, invoice);
      if (lines.length === 0) return;
      const credit = this.newCredit({ invoiceId: invoice.id, date, lines }, at);
      this.creditsById.set(credit.id, credit);
      return;
    }
    const open = [...this.creditsById.values()].filter((c) => !c.voided && c.applied < c.total);
    if (open.length === 0) return;
    const credit = rng.pick(open);
    if (kind === 'apply') {
      const remaining = credit.total - credit.applied;
      const applied = credit.applied + (rng.chance(0.5) ? remaining : Math.max(1, Math.floor(remaining / 2)));
      this.creditsById.set(credit.id, { ...credit, applied, modifiedOn: at });
    } else if (credit.applied === 0) {
      this.creditsById.set(credit.id, { ...credit, voided: true, modifiedOn: at });
    }
  }

  private creditGap(): number {
    return Math.max(MINUTE, Math.round(-Math.log(1 - this.creditActivity.next()) * CREDIT_MEAN_ARRIVAL_MS));
  }

  // ---- activity ----

  /** Applies the activity due up to the world clock's now, arrival by arrival, then month-end closes. */
  private catchUp(): void {
    const now = this.clock.now();
    while (this.nextArrival <= now) {
      const at = this.nextArrival;
      const kind = this.activity.weighted({ use: 5, transfer: 2, order: 1, receive: 2, install: 1 });
      this.arrive(kind, at);
      this.revisions += 1;
      this.nextArrival = at + this.gap();
    }
    while (this.nextCreditArrival <= now) {
      const at = this.nextCreditArrival;
      this.arriveCredit(at);
      this.revisions += 1;
      this.nextCreditArrival = at + this.creditGap();
    }
    for (const [name, period] of this.periodsByName) {
      if (period.closed || this.reopened.has(name)) continue;
      const closesAt = Date.parse(`${period.endDate}T00:00:00Z`) + DAY + CLOSE_AFTER_MS + 6 * HOUR;
      if (closesAt <= now) {
        this.revisions += 1;
        this.periodsByName.set(name, { ...period, closed: true, closedOn: closesAt, modifiedOn: closesAt });
      }
    }
  }

  private gap(): number {
    return Math.max(MINUTE, Math.round(-Math.log(1 - this.activity.next()) * MEAN_ARRIVAL_MS));
  }

  private arrive(kind: 'use' | 'transfer' | 'order' | 'receive' | 'install', at: number): void {
    const rng = this.activity;
    const rows = [...this.stockByKey.values()];
    if (rows.length === 0) return;
    if (kind === 'use') {
      const row = rng.pick(rows);
      if (row.onHand === 0) return;
      this.setStock(row, { onHand: row.onHand - rng.int(1, Math.min(3, row.onHand)) }, at);
    } else if (kind === 'transfer') {
      const truckRows = rows.filter((r) => this.warehousesById.get(r.warehouseId)?.kind === 'Truck');
      if (truckRows.length === 0) return;
      const row = rng.pick(truckRows);
      const source = rows.find(
        (r) =>
          r.itemId === row.itemId &&
          r.onHand > 0 &&
          this.warehousesById.get(r.warehouseId)?.kind === 'Warehouse',
      );
      if (!source) return;
      const moved = rng.int(1, Math.min(5, source.onHand));
      this.setStock(source, { onHand: source.onHand - moved }, at);
      this.setStock(row, { onHand: row.onHand + moved }, at);
    } else if (kind === 'order') {
      const stores = [...this.warehousesById.values()].filter((w) => w.kind === 'Warehouse');
      if (stores.length === 0 || this.inventoryItemIds.length === 0) return;
      const order = this.newOrder(rng, rng.pick(stores).id, at, 'Open');
      this.ordersById.set(order.id, order);
      this.applyOrderToStock(order, null);
    } else if (kind === 'receive') {
      const open = [...this.ordersById.values()].filter(
        (o) => o.status === 'Open' || o.status === 'Partially Received',
      );
      if (open.length === 0) return;
      const before = rng.pick(open);
      const received: TomPurchaseOrder = {
        ...before,
        lines: before.lines.map((l) => ({ ...l, received: l.quantity })),
        status: 'Received',
        modifiedOn: at,
      };
      this.ordersById.set(received.id, received);
      this.applyOrderToStock(received, before);
    } else {
      const inStock = [...this.serialsById.values()].filter((s) => s.status === 'In Stock');
      if (inStock.length === 0) return;
      const unit = rng.pick(inStock);
      this.serialsById.set(unit.id, { ...unit, status: 'Installed', warehouseId: null, modifiedOn: at });
    }
  }

  private setStock(row: TomStockLevel, patch: Partial<TomStockLevel>, at: number): void {
    const next = { ...row, ...patch, modifiedOn: at };
    this.stockByKey.set(stockKey(row.warehouseId, row.itemId), {
      ...next,
      reserved: Math.min(next.reserved, next.onHand),
    });
  }
}
