import { canonicalId, type PurchaseOrder, type StockLevel, type Warehouse } from '@fieldsync/canonical-model';
import type { TomPurchaseOrder, TomStock, TomWarehouse } from '../tom.schemas';
import { tomDateToIso } from '../tom-time.util';
import {
  TOM_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  requiredRef,
  textOrNull,
  timesOf,
  yes,
  type MappingScope,
} from './mapping.util';

/** A warehouse or a technician's truck. */
export function mapWarehouse(w: TomWarehouse, scope: MappingScope): Warehouse {
  const f = w.fields;
  return {
    ...canonicalBase('warehouse', scope, timesOf(f)),
    kind: f.Kind === 'Truck' ? 'truck' : 'warehouse',
    name: f.Name,
    code: f.Code,
    address: null,
    technicianId: canonicalRef(scope, 'technician', f['Technician ID']),
    active: yes(f.Active),
  };
}

/**
 * One item's quantities in one warehouse or truck (externalId `<warehouse>:<item>`). The stock grid shows
 * when a level last changed but not when it was first stocked: createdAt is that change too.
 */
export function mapStock(s: TomStock, scope: MappingScope): StockLevel {
  const f = s.fields;
  return {
    ...canonicalBase('stock_level', scope, timesOf(f)),
    warehouseId: requiredRef(scope, 'warehouse', f['Warehouse ID']),
    pricebookItemId: requiredRef(scope, 'pricebook_item', f['Item ID']),
    unit: null,
    quantityOnHand: Number(f['On Hand']),
    quantityReserved: Number(f.Reserved),
    quantityOnOrder: Number(f['On Order']),
    reorderPoint: Number(f['Reorder Point']),
  };
}

const PO_STATUS: Readonly<Record<TomPurchaseOrder['fields']['Status'], PurchaseOrder['status']>> = {
  Open: 'sent',
  'Partially Received': 'partially_received',
  Received: 'received',
  Closed: 'closed',
  Canceled: 'canceled',
};

/** A purchase order to a supplier for a warehouse: its lines (detail page), subtotal, tax, shipping, total. */
export function mapPurchaseOrder(o: TomPurchaseOrder, scope: MappingScope): PurchaseOrder {
  const f = o.fields;
  return {
    ...canonicalBase('purchase_order', scope, timesOf(f)),
    number: f['PO #'],
    status: PO_STATUS[f.Status],
    vendorStatus: f.Status,
    supplierName: f.Vendor,
    warehouseId: requiredRef(scope, 'warehouse', f['Warehouse ID']),
    jobId: null,
    orderedOn: tomDateToIso(f.Ordered),
    expectedOn: tomDateToIso(f.Expected),
    currency: TOM_CURRENCY,
    lineItems: o.lines.map((l, position) => ({
      id: canonicalId(scope.ctx.connectionId, 'line_item', `${o.key}:${l['Item ID']}`),
      externalId: l['Item ID'],
      kind: 'material',
      name: textOrNull(l.Item) ?? `Item ${l['Item ID']}`,
      description: `${l.Received} of ${l.Qty} received`,
      pricebookItemId: requiredRef(scope, 'pricebook_item', l['Item ID']),
      sku: textOrNull(l.Item),
      quantity: Number(l.Qty),
      unit: null,
      unitPrice: money(l.Cost),
      unitCost: money(l.Cost),
      total: money(l.Amount),
      taxable: null,
      taxCode: null,
      position,
    })),
    subtotal: money(f.Subtotal),
    tax: money(f.Tax),
    shipping: money(f.Shipping),
    total: money(f.Total),
    memo: textOrNull(f.Memo),
  };
}
