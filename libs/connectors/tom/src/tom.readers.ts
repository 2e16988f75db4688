import type { ConnectorReadSide, StreamReader } from '@fieldsync/connector-kit';
import { creditMemoExternalId } from './mappers/credit-memo.mapper';
import { gridSpec, NORMAL_MS, TomGridReader } from './readers/grid.reader';
import { TomSequenceReader } from './readers/sequence.reader';
import { TomClient } from './tom.client';
import { tomMapper } from './tom.mapper';
import {
  tomAgreementSchema,
  tomCreditMemoSchema,
  tomCustomerJobSchema,
  tomCustomerSchema,
  tomEmployeeSchema,
  tomEquipmentSchema,
  tomInvoiceSchema,
  tomItemSchema,
  tomPaymentSchema,
  tomPurchaseOrderSchema,
  tomStockSchema,
  tomWarehouseSchema,
  tomWorkOrderSchema,
} from './tom.schemas';

/*
 * The Total Office Manager read side: one grid reader per office screen (readers/grid.reader.ts), each
 * yielding one canonical entity and reconciling it (TOM signals no deletion: a record missing from a
 * complete pass is gone), and the mapper (tom.mapper.ts). The descriptor (tom.connector.ts) is derived
 * from `streams`, so it follows.
 */

const client = new TomClient();
const SLOW_MS = 5 * NORMAL_MS;

/** The streams, in the order a backfill wants them (parents first). */
export const tomStreams: readonly StreamReader[] = [
  new TomGridReader(
    client,
    gridSpec({
      stream: 'employees',
      entity: 'technician',
      path: '/Employees',
      intervalMs: SLOW_MS,
      record: tomEmployeeSchema,
      withLines: false,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'items',
      entity: 'pricebook_item',
      path: '/Items',
      intervalMs: SLOW_MS,
      record: tomItemSchema,
      // Each item's zone prices are on its detail page (docs/tom.md "Zone prices").
      withLines: true,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'customers',
      entity: 'customer',
      path: '/Customers',
      intervalMs: NORMAL_MS,
      record: tomCustomerSchema,
      withLines: false,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'jobs',
      entity: 'location',
      path: '/Jobs',
      intervalMs: NORMAL_MS,
      record: tomCustomerJobSchema,
      withLines: false,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'workorders',
      entity: 'job',
      path: '/WorkOrders',
      intervalMs: NORMAL_MS,
      record: tomWorkOrderSchema,
      withLines: false,
      also: { entity: 'appointment', when: (w) => w.fields.Start !== '' },
    }),
  ),
  // Invoices, then credit memos (canonical invoices with negative amounts, `CM-<n>`): one stream, so the
  // stream that reconciles `invoice` sees both (docs/tom.md "Credit memos").
  new TomSequenceReader('invoices', NORMAL_MS, [
    {
      reader: new TomGridReader(
        client,
        gridSpec({
          stream: 'invoices',
          entity: 'invoice',
          path: '/Invoices',
          intervalMs: NORMAL_MS,
          record: tomInvoiceSchema,
          withLines: true,
        }),
      ),
    },
    {
      reader: new TomGridReader(
        client,
        gridSpec({
          stream: 'invoices',
          entity: 'invoice',
          path: '/CreditMemos',
          intervalMs: NORMAL_MS,
          record: tomCreditMemoSchema,
          withLines: true,
        }),
      ),
      externalId: creditMemoExternalId,
    },
  ]),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'payments',
      entity: 'payment',
      path: '/Payments',
      intervalMs: NORMAL_MS,
      record: tomPaymentSchema,
      withLines: true,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'equipment',
      entity: 'equipment',
      path: '/Equipment',
      intervalMs: SLOW_MS,
      record: tomEquipmentSchema,
      withLines: false,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'agreements',
      entity: 'membership',
      path: '/Agreements',
      intervalMs: SLOW_MS,
      record: tomAgreementSchema,
      withLines: false,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'warehouses',
      entity: 'warehouse',
      path: '/Inventory/Warehouses',
      intervalMs: SLOW_MS,
      record: tomWarehouseSchema,
      withLines: false,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'stock',
      entity: 'stock_level',
      path: '/Inventory/Stock',
      intervalMs: NORMAL_MS,
      record: tomStockSchema,
      withLines: false,
    }),
  ),
  new TomGridReader(
    client,
    gridSpec({
      stream: 'purchase-orders',
      entity: 'purchase_order',
      path: '/Inventory/PurchaseOrders',
      intervalMs: NORMAL_MS,
      record: tomPurchaseOrderSchema,
      withLines: true,
    }),
  ),
];

export const tomReadSide: ConnectorReadSide = {
  vendor: 'tom',
  streams: tomStreams,
  mapper: tomMapper,
};
