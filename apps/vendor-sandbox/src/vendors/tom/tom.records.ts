import {
  tomCreditStatus,
  type StoredRecord,
  type TomCreditMemo,
  type World,
  type WorldAddress,
} from '@fieldsync/sandbox-world';
import { tomCalendarDate, tomDate, tomDateTime, tomMoney, tomQuantity, tomYesNo } from './tom-format.util';

/**
 * One record as TOM's screens show it: the grid row's cells by column heading (`fields`) and, for
 * documents with lines, the lines table of its detail page. This is TOM's "wire shape": the pages
 * render it, the ground truth exports it, and the connector parses the pages back into it.
 */
export interface TomPageRecord {
  /** What the detail page's URL ends with (an id or a document number). */
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly lines?: readonly Readonly<Record<string, string>>[];
  /** For the grid's date filter (not shown beyond the Modified column). */
  readonly modifiedOn: number;
  /** For the grid's number filter (work orders, invoices, purchase orders). */
  readonly number?: number;
}

/** One of TOM's grids: its URL, its columns, its detail page and its records. */
export interface TomListing {
  /** The ground truth's name of the entity (`GET /__sandbox/world/export/<entity>`). */
  readonly entity: string;
  readonly path: string;
  readonly title: string;
  readonly columns: readonly string[];
  /** Heading and columns of the detail page's lines table, for documents with lines. */
  readonly lines?: { readonly heading: string; readonly columns: readonly string[] };
  readonly records: (world: World) => readonly TomPageRecord[];
}

type Customer = StoredRecord<'customer'>;
type Location = StoredRecord<'location'>;
type Job = StoredRecord<'job'>;

const live = <T extends { deletedOn: number | null }>(rows: Iterable<T>): T[] =>
  [...rows].filter((r) => r.deletedOn === null);

function addressLine(a: WorldAddress | null | undefined): string {
  if (!a) return '';
  return `${a.street}${a.unit ? ` ${a.unit}` : ''}, ${a.city}, ${a.state} ${a.zip}`;
}

function customerJobName(world: World, location: Location | undefined): string {
  if (!location) return '';
  const customer = world.store.get('customer', location.customerId);
  return `${customer?.name ?? ''}:${location.name}`;
}

function tomCalendarDateOr(iso: string | undefined, epochMs: number): string {
  return iso === undefined ? tomDate(epochMs) : tomCalendarDate(iso);
}

function stamp(created: number, modified: number): Record<string, string> {
  return { Created: tomDateTime(created), Modified: tomDateTime(modified) };
}

function termsOf(customer: Customer | undefined): string {
  return customer?.type === 'Commercial' ? 'Net 30' : 'Due on receipt';
}

function contactOf(world: World, customerId: number, types: readonly string[]): string {
  return (
    world.store
      .children('contact', 'customerId', customerId)
      .find((c) => c.deletedOn === null && types.includes(c.type))?.value ?? ''
  );
}

/** The job's schedule as the work order shows it: its first open visit and who is on it. */
function scheduleOf(world: World, job: Job) {
  const visits = world.store
    .children('appointment', 'jobId', job.id)
    .filter((a) => a.deletedOn === null && a.status !== 'Canceled')
    .sort((a, b) => a.start - b.start || a.id - b.id);
  const first = visits[0];
  const assignments = first
    ? world.store.children('assignment', 'appointmentId', first.id).filter((a) => a.deletedOn === null)
    : [];
  const technicians = assignments
    .map((a) => world.store.get('employee', a.technicianId))
    .filter((e) => e !== undefined);
  const everything = [
    job.modifiedOn,
    ...world.store.children('appointment', 'jobId', job.id).map((a) => a.modifiedOn),
    ...world.store.children('assignment', 'jobId', job.id).map((a) => a.modifiedOn),
  ];
  return { first, technicians, modifiedOn: Math.max(...everything) };
}

/** TOM's work-order status: the job's, with Open (nothing booked) and Dispatched told apart. */
function workOrderStatus(job: Job, schedule: ReturnType<typeof scheduleOf>): string {
  switch (job.status) {
    case 'Completed':
      return 'Completed';
    case 'Canceled':
      return 'Canceled';
    case 'Hold':
      return 'On Hold';
    case 'InProgress':
      return 'In Progress';
    case 'Scheduled':
      if (!schedule.first) return 'Open';
      if (schedule.first.status === 'Dispatched') return 'Dispatched';
      if (schedule.first.status === 'Working') return 'In Progress';
      return 'Scheduled';
  }
}

function workOrder(world: World, job: Job): TomPageRecord {
  const location = world.store.get('location', job.locationId);
  const customer = world.store.get('customer', job.customerId);
  const schedule = scheduleOf(world, job);
  const equipment = live(world.store.children('equipment', 'locationId', job.locationId)).map(
    (e) => `${e.name} (${e.serialNumber})`,
  );
  return {
    key: job.jobNumber,
    number: Number(job.jobNumber),
    modifiedOn: schedule.modifiedOn,
    fields: {
      'WO #': job.jobNumber,
      'Customer:Job': customerJobName(world, location),
      'Customer ID': String(job.customerId),
      'Job ID': String(job.locationId),
      Description: job.summary,
      Status: workOrderStatus(job, schedule),
      Priority: job.priority,
      Type: world.store.get('jobType', job.jobTypeId)?.name ?? '',
      Terms: termsOf(customer),
      Department: world.store.get('businessUnit', job.businessUnitId)?.name ?? '',
      'Assigned To': schedule.technicians.map((t) => t.name).join('; '),
      'Assigned IDs': schedule.technicians.map((t) => String(t.id)).join('; '),
      Start: schedule.first ? tomDateTime(schedule.first.start) : '',
      'Duration (min)': schedule.first
        ? String(Math.round((schedule.first.end - schedule.first.start) / 60_000))
        : '',
      'Bill To': addressLine(customer?.address),
      'Work Address': addressLine(location?.address),
      Equipment: equipment.join('; '),
      'User Defined 1': job.externalData.map((d) => `${d.key}=${d.value}`).join('; '),
      Notes: schedule.first?.specialInstructions ?? '',
      'Status Reason': world.tom.memo('job', job.id),
      Closed:
        job.completedOn !== null
          ? tomDateTime(job.completedOn)
          : job.canceledOn !== null
            ? tomDateTime(job.canceledOn)
            : '',
      ...stamp(job.createdOn, schedule.modifiedOn),
    },
  };
}

function invoiceStatus(total: number, balance: number): string {
  if (balance === 0) return 'Paid';
  return balance < total ? 'Partially Paid' : 'Open';
}

function invoice(world: World, inv: StoredRecord<'invoice'>): TomPageRecord {
  const location = world.store.get('location', inv.locationId);
  const job = world.store.get('job', inv.jobId);
  return {
    key: inv.referenceNumber,
    number: Number(inv.referenceNumber.replace(/\D/g, '')) || undefined,
    modifiedOn: inv.modifiedOn,
    fields: {
      'Invoice #': inv.referenceNumber,
      'Customer:Job': customerJobName(world, location),
      'Customer ID': String(inv.customerId),
      'Job ID': String(inv.locationId),
      'WO #': job?.jobNumber ?? '',
      Date: tomCalendarDateOr(world.tom.invoiceDate(inv.id), inv.invoiceDate),
      'Due Date': tomDate(inv.dueDate),
      Terms: termsOf(world.store.get('customer', inv.customerId)),
      Status: invoiceStatus(inv.total, inv.balance),
      Subtotal: tomMoney(inv.subTotal),
      Discount: tomMoney(inv.discount),
      Tax: tomMoney(inv.salesTax),
      Total: tomMoney(inv.total),
      Balance: tomMoney(inv.balance),
      Memo: world.tom.memo('invoice', inv.id),
      ...stamp(inv.createdOn, inv.modifiedOn),
    },
    lines: inv.items.map((l) => ({
      Line: String(l.id),
      Item: l.code,
      'Item ID': l.pricebookItemId === null ? '' : String(l.pricebookItemId),
      Description: l.description,
      Type: l.type,
      Qty: tomQuantity(l.quantityMilli),
      Rate: tomMoney(l.unitPrice),
      Amount: tomMoney(l.total),
      Taxable: tomYesNo(l.taxable),
    })),
  };
}

/**
 * A credit memo as TOM prints it: amounts positive (a credit of $108.25 is `$108.25`, its status says it
 * is owed back), how much of it is applied to invoices and what remains, the invoice it credits.
 */
function creditMemo(world: World, c: TomCreditMemo): TomPageRecord {
  const location = world.store.get('location', c.locationId);
  const job = c.jobId === null ? undefined : world.store.get('job', c.jobId);
  return {
    key: String(c.number),
    number: c.number,
    modifiedOn: c.modifiedOn,
    fields: {
      'Credit #': String(c.number),
      'Customer:Job': customerJobName(world, location),
      'Customer ID': String(c.customerId),
      'Job ID': String(c.locationId),
      'WO #': job?.jobNumber ?? '',
      'Invoice #': world.store.get('invoice', c.invoiceId)?.referenceNumber ?? '',
      Date: tomCalendarDate(c.date),
      Terms: termsOf(world.store.get('customer', c.customerId)),
      Status: tomCreditStatus(c),
      Subtotal: tomMoney(c.subtotal),
      Tax: tomMoney(c.tax),
      Total: tomMoney(c.total),
      Applied: tomMoney(c.applied),
      Remaining: tomMoney(c.voided ? 0 : c.total - c.applied),
      Memo: c.memo,
      ...stamp(c.createdOn, c.modifiedOn),
    },
    lines: c.lines.map((l) => ({
      Line: String(l.id),
      Item: l.code,
      'Item ID': l.pricebookItemId === null ? '' : String(l.pricebookItemId),
      Description: l.description,
      Type: l.type,
      Qty: tomQuantity(l.quantityMilli),
      Rate: tomMoney(l.unitPrice),
      Amount: tomMoney(l.total),
      Taxable: tomYesNo(l.taxable),
    })),
  };
}

function paymentReference(p: StoredRecord<'payment'>): string {
  if (p.method === 'check') return p.checkNumber ?? '';
  if (p.method === 'card' && p.cardBrand && p.cardLast4) return `${p.cardBrand} ****${p.cardLast4}`;
  return p.externalTransactionId ?? '';
}

function payment(world: World, p: StoredRecord<'payment'>): TomPageRecord {
  return {
    key: String(p.id),
    modifiedOn: p.modifiedOn,
    fields: {
      'Payment ID': String(p.id),
      Customer: world.store.get('customer', p.customerId)?.name ?? '',
      'Customer ID': String(p.customerId),
      Date: tomDate(p.paidOn),
      Method: { card: 'Credit Card', ach: 'ACH', cash: 'Cash', check: 'Check' }[p.method],
      Reference: paymentReference(p),
      Amount: tomMoney(p.amount),
      Unapplied: tomMoney(p.unappliedAmount),
      Memo: p.memo ?? '',
      Status: p.deletedOn === null ? 'Posted' : 'Voided',
      ...stamp(p.createdOn, p.modifiedOn),
    },
    lines: p.splits.map((s) => ({
      'Invoice #': world.store.get('invoice', s.invoiceId)?.referenceNumber ?? '',
      Applied: tomMoney(s.amount),
    })),
  };
}

const ITEM_TYPES = { Service: 'Service', Material: 'Inventory Part', Equipment: 'Serialized Part' } as const;

/** TOM's grids, in menu order. */
export const TOM_LISTINGS: readonly TomListing[] = [
  {
    entity: 'customers',
    path: '/Customers',
    title: 'Customers',
    columns: [
      'Customer ID',
      'Customer',
      'Type',
      'Phone',
      'Email',
      'Address',
      'Balance',
      'Memo',
      'Active',
      'Created',
      'Modified',
    ],
    records: (w) =>
      live(w.store.all('customer'))
        .filter((c) => c.mergedToId === null)
        .map((c) => ({
          key: String(c.id),
          modifiedOn: c.modifiedOn,
          fields: {
            'Customer ID': String(c.id),
            Customer: c.name,
            Type: c.type,
            Phone: contactOf(w, c.id, ['Phone', 'MobilePhone']),
            Email: contactOf(w, c.id, ['Email']),
            Address: addressLine(c.address),
            Balance: tomMoney(c.balance),
            Memo: w.tom.memo('customer', c.id),
            Active: tomYesNo(c.active),
            ...stamp(c.createdOn, c.modifiedOn),
          },
        })),
  },
  {
    entity: 'jobs',
    path: '/Jobs',
    title: 'Customer Jobs',
    columns: [
      'Job ID',
      'Customer:Job',
      'Customer ID',
      'Job Name',
      'Address',
      'Tax Zone',
      'Active',
      'Created',
      'Modified',
    ],
    records: (w) =>
      live(w.store.all('location'))
        .filter((l) => l.mergedToId === null)
        .map((l) => ({
          key: String(l.id),
          modifiedOn: l.modifiedOn,
          fields: {
            'Job ID': String(l.id),
            'Customer:Job': customerJobName(w, l),
            'Customer ID': String(l.customerId),
            'Job Name': l.name,
            Address: addressLine(l.address),
            'Tax Zone': w.store.get('taxZone', l.taxZoneId)?.name ?? '',
            Active: tomYesNo(l.active),
            ...stamp(l.createdOn, l.modifiedOn),
          },
        })),
  },
  {
    entity: 'workorders',
    path: '/WorkOrders',
    title: 'Work Orders',
    columns: [
      'WO #',
      'Customer:Job',
      'Customer ID',
      'Job ID',
      'Description',
      'Status',
      'Priority',
      'Type',
      'Terms',
      'Department',
      'Assigned To',
      'Assigned IDs',
      'Start',
      'Duration (min)',
      'Bill To',
      'Work Address',
      'Equipment',
      'User Defined 1',
      'Notes',
      'Status Reason',
      'Closed',
      'Created',
      'Modified',
    ],
    records: (w) => live(w.store.all('job')).map((j) => workOrder(w, j)),
  },
  {
    entity: 'invoices',
    path: '/Invoices',
    title: 'Invoices',
    columns: [
      'Invoice #',
      'Customer:Job',
      'Customer ID',
      'Job ID',
      'WO #',
      'Date',
      'Due Date',
      'Terms',
      'Status',
      'Subtotal',
      'Discount',
      'Tax',
      'Total',
      'Balance',
      'Memo',
      'Created',
      'Modified',
    ],
    lines: {
      heading: 'Items',
      columns: ['Line', 'Item', 'Item ID', 'Description', 'Type', 'Qty', 'Rate', 'Amount', 'Taxable'],
    },
    records: (w) => live(w.store.all('invoice')).map((i) => invoice(w, i)),
  },
  {
    entity: 'credit-memos',
    path: '/CreditMemos',
    title: 'Credit Memos',
    columns: [
      'Credit #',
      'Customer:Job',
      'Customer ID',
      'Job ID',
      'WO #',
      'Invoice #',
      'Date',
      'Terms',
      'Status',
      'Subtotal',
      'Tax',
      'Total',
      'Applied',
      'Remaining',
      'Memo',
      'Created',
      'Modified',
    ],
    lines: {
      heading: 'Items',
      columns: ['Line', 'Item', 'Item ID', 'Description', 'Type', 'Qty', 'Rate', 'Amount', 'Taxable'],
    },
    records: (w) => w.tom.creditMemos().map((c) => creditMemo(w, c)),
  },
  {
    entity: 'payments',
    path: '/Payments',
    title: 'Payments',
    columns: [
      'Payment ID',
      'Customer',
      'Customer ID',
      'Date',
      'Method',
      'Reference',
      'Amount',
      'Unapplied',
      'Memo',
      'Status',
      'Created',
      'Modified',
    ],
    lines: { heading: 'Applied To', columns: ['Invoice #', 'Applied'] },
    records: (w) => [...w.store.all('payment')].map((p) => payment(w, p)),
  },
  {
    entity: 'items',
    path: '/Items',
    title: 'Items',
    lines: { heading: 'Zone Prices', columns: ['Zone', 'Price'] },
    columns: [
      'Item ID',
      'Item',
      'Description',
      'Type',
      'Price',
      'Cost',
      'Taxable',
      'Active',
      'Created',
      'Modified',
    ],
    records: (w) =>
      live(w.store.all('pricebookItem')).map((i) => ({
        key: String(i.id),
        modifiedOn: i.modifiedOn,
        fields: {
          'Item ID': String(i.id),
          Item: i.code,
          Description: i.name,
          Type: ITEM_TYPES[i.type],
          Price: tomMoney(i.price),
          Cost: tomMoney(i.cost),
          Taxable: tomYesNo(i.taxable),
          Active: tomYesNo(i.active),
          ...stamp(i.createdOn, i.modifiedOn),
        },
        // The item's detail page lists its price in each pricing zone it is priced in.
        lines: w.tom.zonePricesOf(i.id).map((p) => ({ Zone: p.zone.name, Price: tomMoney(p.price) })),
      })),
  },
  {
    entity: 'pricing-zones',
    path: '/PricingZones',
    title: 'Pricing Zones',
    columns: ['Zone ID', 'Zone', 'Description', 'Active', 'Created', 'Modified'],
    records: (w) =>
      w.tom.pricingZones().map((z) => ({
        key: String(z.id),
        modifiedOn: z.modifiedOn,
        fields: {
          'Zone ID': String(z.id),
          Zone: z.name,
          Description: z.description,
          Active: tomYesNo(z.active),
          ...stamp(z.createdOn, z.modifiedOn),
        },
      })),
  },
  {
    entity: 'employees',
    path: '/Employees',
    title: 'Employees',
    columns: ['Employee ID', 'Name', 'Role', 'Email', 'Phone', 'Active', 'Created', 'Modified'],
    records: (w) =>
      live(w.store.all('employee')).map((e) => ({
        key: String(e.id),
        modifiedOn: e.modifiedOn,
        fields: {
          'Employee ID': String(e.id),
          Name: e.name,
          Role: e.role,
          Email: e.email,
          Phone: e.phoneNumber,
          Active: tomYesNo(e.active),
          ...stamp(e.createdOn, e.modifiedOn),
        },
      })),
  },
  {
    entity: 'equipment',
    path: '/Equipment',
    title: 'Customer Equipment',
    columns: [
      'Equipment ID',
      'Customer:Job',
      'Customer ID',
      'Job ID',
      'Description',
      'Type',
      'Manufacturer',
      'Model',
      'Serial #',
      'Installed',
      'Warranty Expires',
      'Created',
      'Modified',
    ],
    records: (w) =>
      live(w.store.all('equipment')).map((e) => ({
        key: String(e.id),
        modifiedOn: e.modifiedOn,
        fields: {
          'Equipment ID': String(e.id),
          'Customer:Job': customerJobName(w, w.store.get('location', e.locationId)),
          'Customer ID': String(e.customerId),
          'Job ID': String(e.locationId),
          Description: e.name,
          Type: e.type,
          Manufacturer: e.manufacturer,
          Model: e.model,
          'Serial #': e.serialNumber,
          Installed: tomDate(e.installedOn),
          'Warranty Expires': e.warrantyEnd === null ? '' : tomDate(e.warrantyEnd),
          ...stamp(e.createdOn, e.modifiedOn),
        },
      })),
  },
  {
    entity: 'agreements',
    path: '/Agreements',
    title: 'Service Agreements',
    columns: [
      'Agreement ID',
      'Customer:Job',
      'Customer ID',
      'Job ID',
      'Agreement',
      'Status',
      'Billing',
      'Price',
      'Start',
      'End',
      'Created',
      'Modified',
    ],
    records: (w) =>
      live(w.store.all('membership')).map((m) => ({
        key: String(m.id),
        modifiedOn: m.modifiedOn,
        fields: {
          'Agreement ID': String(m.id),
          'Customer:Job': customerJobName(w, w.store.get('location', m.locationId)),
          'Customer ID': String(m.customerId),
          'Job ID': String(m.locationId),
          Agreement: m.name,
          Status: m.status,
          Billing: m.billingFrequency,
          Price: tomMoney(m.price),
          Start: tomDate(m.from),
          End: tomDate(m.to),
          ...stamp(m.createdOn, m.modifiedOn),
        },
      })),
  },
  {
    entity: 'warehouses',
    path: '/Inventory/Warehouses',
    title: 'Warehouses',
    columns: [
      'Warehouse ID',
      'Code',
      'Name',
      'Kind',
      'Technician',
      'Technician ID',
      'Active',
      'Created',
      'Modified',
    ],
    records: (w) =>
      w.tom.warehouses().map((h) => ({
        key: String(h.id),
        modifiedOn: h.modifiedOn,
        fields: {
          'Warehouse ID': String(h.id),
          Code: h.code,
          Name: h.name,
          Kind: h.kind,
          Technician: h.technicianId === null ? '' : (w.store.get('employee', h.technicianId)?.name ?? ''),
          'Technician ID': h.technicianId === null ? '' : String(h.technicianId),
          Active: tomYesNo(h.active),
          ...stamp(h.createdOn, h.modifiedOn),
        },
      })),
  },
  {
    entity: 'stock',
    path: '/Inventory/Stock',
    title: 'Stock Levels',
    columns: [
      'Warehouse ID',
      'Warehouse',
      'Item ID',
      'Item',
      'On Hand',
      'Reserved',
      'On Order',
      'Reorder Point',
      'Modified',
    ],
    records: (w) =>
      w.tom.stockLevels().map((s) => ({
        key: `${String(s.warehouseId)}:${String(s.itemId)}`,
        modifiedOn: s.modifiedOn,
        fields: {
          'Warehouse ID': String(s.warehouseId),
          Warehouse: w.tom.warehouse(s.warehouseId)?.code ?? '',
          'Item ID': String(s.itemId),
          Item: w.store.get('pricebookItem', s.itemId)?.code ?? '',
          'On Hand': String(s.onHand),
          Reserved: String(s.reserved),
          'On Order': String(s.onOrder),
          'Reorder Point': String(s.reorderPoint),
          Modified: tomDateTime(s.modifiedOn),
        },
      })),
  },
  {
    entity: 'purchase-orders',
    path: '/Inventory/PurchaseOrders',
    title: 'Purchase Orders',
    columns: [
      'PO ID',
      'PO #',
      'Vendor',
      'Warehouse ID',
      'Status',
      'Ordered',
      'Expected',
      'Subtotal',
      'Tax',
      'Shipping',
      'Total',
      'Memo',
      'Created',
      'Modified',
    ],
    lines: { heading: 'Lines', columns: ['Item ID', 'Item', 'Qty', 'Received', 'Cost', 'Amount'] },
    records: (w) =>
      w.tom.purchaseOrders().map((o) => {
        const subtotal = o.lines.reduce((sum, l) => sum + l.quantity * l.unitCost, 0);
        return {
          key: String(o.id),
          number: Number(o.number.slice(3)),
          modifiedOn: o.modifiedOn,
          fields: {
            'PO ID': String(o.id),
            'PO #': o.number,
            Vendor: o.supplier,
            'Warehouse ID': String(o.warehouseId),
            Status: o.status,
            Ordered: tomDate(o.orderedOn),
            Expected: tomDate(o.expectedOn),
            Subtotal: tomMoney(subtotal),
            Tax: tomMoney(o.tax),
            Shipping: tomMoney(o.shipping),
            Total: tomMoney(subtotal + o.tax + o.shipping),
            Memo: o.memo,
            ...stamp(o.createdOn, o.modifiedOn),
          },
          lines: o.lines.map((l) => ({
            'Item ID': String(l.itemId),
            Item: w.store.get('pricebookItem', l.itemId)?.code ?? '',
            Qty: String(l.quantity),
            Received: String(l.received),
            Cost: tomMoney(l.unitCost),
            Amount: tomMoney(l.quantity * l.unitCost),
          })),
        };
      }),
  },
  {
    entity: 'serials',
    path: '/Inventory/Serials',
    title: 'Serialized Items',
    columns: ['Serial ID', 'Item ID', 'Item', 'Serial #', 'Status', 'Warehouse ID', 'Created', 'Modified'],
    records: (w) =>
      w.tom.serializedItems().map((s) => ({
        key: String(s.id),
        modifiedOn: s.modifiedOn,
        fields: {
          'Serial ID': String(s.id),
          'Item ID': String(s.itemId),
          Item: w.store.get('pricebookItem', s.itemId)?.code ?? '',
          'Serial #': s.serialNumber,
          Status: s.status,
          'Warehouse ID': s.warehouseId === null ? '' : String(s.warehouseId),
          ...stamp(s.createdOn, s.modifiedOn),
        },
      })),
  },
  {
    entity: 'periods',
    path: '/Accounting/Periods',
    title: 'Accounting Periods',
    columns: ['Period', 'Start', 'End', 'Status', 'Closed On', 'Modified'],
    records: (w) =>
      w.tom.periods().map((p) => ({
        key: p.name,
        modifiedOn: p.modifiedOn,
        fields: {
          Period: p.name,
          Start: tomCalendarDate(p.startDate),
          End: tomCalendarDate(p.endDate),
          Status: p.closed ? 'Closed' : 'Open',
          'Closed On': p.closedOn === null ? '' : tomDateTime(p.closedOn),
          Modified: tomDateTime(p.modifiedOn),
        },
      })),
  },
];

export function tomListing(entity: string): TomListing | undefined {
  return TOM_LISTINGS.find((l) => l.entity === entity);
}
