import { Money, type CanonicalEntity, type EntityType } from '@fieldsync/canonical-model';

/** A value for one filter column, read from the canonical document. */
type Column = (doc: Record<string, unknown>) => string | number | boolean | string[] | null;

export interface EntityTableSpec {
  /** The canonical-store table (migration 20261121000200). */
  readonly table: string;
  /** Filter columns beyond the common envelope, each derived from the canonical document. */
  readonly columns: Readonly<Record<string, Column>>;
}

const text =
  (field: string): Column =>
  (doc) => {
    const value = doc[field];
    return typeof value === 'string' ? value : null;
  };

const number =
  (field: string): Column =>
  (doc) => {
    const value = doc[field];
    return typeof value === 'number' ? value : null;
  };

/** A major-unit money field as integer minor units in the document's currency. */
const minor =
  (...fields: string[]): Column =>
  (doc) => {
    const currency = doc['currency'];
    for (const field of fields) {
      const value = doc[field];
      if (typeof value === 'number' && typeof currency === 'string') {
        return Money.fromAmount(value, currency).amountMinor;
      }
    }
    return null;
  };

const nested =
  (objectField: string, field: string): Column =>
  (doc) => {
    const object = doc[objectField];
    if (typeof object !== 'object' || object === null) return null;
    const value = (object as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : null;
  };

/** The primary (else first) entry of a contact-point list: `emails[].address`, `phones[].e164 ?? number`. */
const primary =
  (listField: 'emails' | 'phones'): Column =>
  (doc) => {
    const list = doc[listField];
    if (!Array.isArray(list) || list.length === 0) return null;
    const entries = list as Record<string, unknown>[];
    const chosen = entries.find((entry) => entry['primary'] === true) ?? entries[0];
    if (!chosen) return null;
    const value = listField === 'emails' ? chosen['address'] : (chosen['e164'] ?? chosen['number']);
    return typeof value === 'string' ? value : null;
  };

const place = (addressField: string): Record<string, Column> => ({
  city: nested(addressField, 'city'),
  region: nested(addressField, 'region'),
});

const money = (...fields: string[]): Record<string, Column> => ({
  total_minor: minor(...fields),
  currency: text('currency'),
});

const schedule: Record<string, Column> = {
  scheduled_start: text('scheduledStart'),
  scheduled_end: text('scheduledEnd'),
};

const technicians: Record<string, Column> = {
  technician_ids: (doc) => {
    const ids = doc['technicianIds'];
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  },
};

/**
 * Entity type → its table and filter columns. `line_item` has no table: line items live inside their
 * parent's document. Keep in step with the canonical-store migration (a spec checks every column exists).
 */
export const ENTITY_TABLES: Readonly<Partial<Record<EntityType, EntityTableSpec>>> = {
  customer: {
    table: 'customers',
    columns: {
      display_name: text('displayName'),
      email: primary('emails'),
      phone: primary('phones'),
      ...place('billingAddress'),
    },
  },
  contact: {
    table: 'contacts',
    columns: { customer_id: text('customerId'), email: primary('emails'), phone: primary('phones') },
  },
  location: {
    table: 'locations',
    columns: {
      customer_id: text('customerId'),
      postal_code: nested('address', 'postalCode'),
      ...place('address'),
    },
  },
  technician: { table: 'technicians', columns: { display_name: text('name'), email: text('email') } },
  job: {
    table: 'jobs',
    columns: {
      customer_id: text('customerId'),
      location_id: text('locationId'),
      number: text('number'),
      ...schedule,
      ...technicians,
      ...place('serviceAddress'),
      ...money('total'),
    },
  },
  appointment: {
    table: 'appointments',
    columns: { job_id: text('jobId'), customer_id: text('customerId'), ...schedule, ...technicians },
  },
  estimate: {
    table: 'estimates',
    columns: {
      customer_id: text('customerId'),
      job_id: text('jobId'),
      number: text('number'),
      ...money('total'),
    },
  },
  invoice: {
    table: 'invoices',
    columns: {
      customer_id: text('customerId'),
      job_id: text('jobId'),
      number: text('number'),
      issued_on: text('issuedDate'),
      due_on: text('dueDate'),
      ...money('total'),
      balance_minor: minor('balance'),
    },
  },
  payment: {
    table: 'payments',
    columns: {
      invoice_id: text('invoiceId'),
      customer_id: text('customerId'),
      paid_at: text('collectedAt'),
      ...money('amount'),
    },
  },
  refund: {
    table: 'refunds',
    columns: {
      payment_id: text('paymentId'),
      invoice_id: text('invoiceId'),
      refunded_at: text('refundedAt'),
      ...money('amount'),
    },
  },
  pricebook_item: {
    table: 'pricebook_items',
    columns: { sku: text('code'), kind: text('kind'), ...money('price') },
  },
  membership: {
    table: 'memberships',
    columns: {
      customer_id: text('customerId'),
      location_id: text('locationId'),
      starts_on: text('startDate'),
      ends_on: text('endDate'),
    },
  },
  equipment: {
    table: 'equipment',
    columns: {
      customer_id: text('customerId'),
      location_id: text('locationId'),
      serial_number: text('serialNumber'),
    },
  },
  attachment: {
    table: 'attachments',
    columns: {
      parent_type: text('parentType'),
      parent_id: text('parentId'),
      content_type: text('contentType'),
      size_bytes: number('sizeBytes'),
    },
  },
  lead: {
    table: 'leads',
    columns: { customer_id: text('customerId'), source: text('source'), ...place('address') },
  },
  communication: {
    table: 'communications',
    columns: {
      customer_id: text('customerId'),
      job_id: text('jobId'),
      channel: text('channel'),
      direction: text('direction'),
      occurred_at: text('startedAt'),
    },
  },
  timesheet_entry: {
    table: 'timesheet_entries',
    columns: {
      technician_id: text('technicianId'),
      job_id: text('jobId'),
      started_at: text('startedAt'),
      ended_at: text('endedAt'),
    },
  },
  warehouse: { table: 'warehouses', columns: { display_name: text('name'), ...place('address') } },
  stock_level: {
    table: 'stock_levels',
    columns: {
      warehouse_id: text('warehouseId'),
      pricebook_item_id: text('pricebookItemId'),
      quantity: number('quantityOnHand'),
    },
  },
  purchase_order: {
    table: 'purchase_orders',
    columns: {
      warehouse_id: text('warehouseId'),
      supplier_name: text('supplierName'),
      number: text('number'),
      ...money('total'),
    },
  },
};

/** The table of an entity type; throws for one with no table of its own (line_item). */
export function entityTable(entity: EntityType): EntityTableSpec {
  const spec = ENTITY_TABLES[entity];
  if (!spec) throw new RangeError(`entity ${entity} has no canonical-store table (it lives in its parent)`);
  return spec;
}

/** Every filter column of the entity's table, computed from the canonical document. */
export function projectColumns(entity: EntityType, object: CanonicalEntity): Record<string, unknown> {
  const doc = object as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {
    status: typeof doc['status'] === 'string' ? doc['status'] : null,
    vendor_status: typeof doc['vendorStatus'] === 'string' ? doc['vendorStatus'] : null,
    tags: Array.isArray(doc['tags']) ? doc['tags'] : [],
    vendor_created_at: text('createdAt')(doc),
    vendor_updated_at: text('updatedAt')(doc),
  };
  for (const [column, read] of Object.entries(entityTable(entity).columns)) out[column] = read(doc);
  return out;
}
