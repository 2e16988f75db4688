import { Kysely, sql } from 'kysely';

// The canonical store: one table per core entity. Every table has the same envelope (ids, the
// canonical document, the vendor's raw payload, content hash, version, soft delete, sync generation)
// plus the columns the API filters on. References between entities (customer_id, job_id ...) are
// deliberately not foreign keys: readers sync entity types independently and in any order.
//
// This file is frozen once released: the table specs below are local on purpose, so a later change
// to a shared helper can never rewrite history. Add columns in a new migration.

type Extra = 'money' | 'balance' | 'schedule' | 'technicians' | 'place';

interface EntityTable {
  readonly name: string;
  /** Entity-specific filter columns, as SQL column definitions. */
  readonly columns: readonly string[];
  /** Columns to index together with tenant_id (one btree index each). */
  readonly indexed: readonly string[];
  readonly extras: readonly Extra[];
}

const ENTITY_TABLES: readonly EntityTable[] = [
  {
    name: 'customers',
    columns: ['display_name text', 'email text', 'phone text'],
    indexed: ['email'],
    extras: ['place'],
  },
  {
    name: 'contacts',
    columns: ['customer_id text', 'email text', 'phone text'],
    indexed: ['customer_id'],
    extras: [],
  },
  {
    name: 'locations',
    columns: ['customer_id text', 'postal_code text'],
    indexed: ['customer_id'],
    extras: ['place'],
  },
  { name: 'technicians', columns: ['display_name text', 'email text'], indexed: [], extras: [] },
  {
    name: 'jobs',
    columns: ['customer_id text', 'location_id text', 'number text'],
    indexed: ['customer_id', 'location_id'],
    extras: ['schedule', 'technicians', 'place', 'money'],
  },
  {
    name: 'appointments',
    columns: ['job_id text', 'customer_id text'],
    indexed: ['job_id', 'customer_id'],
    extras: ['schedule', 'technicians', 'place'],
  },
  {
    name: 'estimates',
    columns: ['customer_id text', 'job_id text', 'number text'],
    indexed: ['customer_id', 'job_id'],
    extras: ['money'],
  },
  {
    name: 'invoices',
    columns: ['customer_id text', 'job_id text', 'number text', 'issued_on date', 'due_on date'],
    indexed: ['customer_id', 'job_id', 'due_on'],
    extras: ['money', 'balance'],
  },
  {
    name: 'payments',
    columns: ['invoice_id text', 'customer_id text', 'paid_at timestamptz'],
    indexed: ['invoice_id', 'customer_id'],
    extras: ['money'],
  },
  {
    name: 'refunds',
    columns: ['payment_id text', 'invoice_id text', 'refunded_at timestamptz'],
    indexed: ['payment_id'],
    extras: ['money'],
  },
  { name: 'pricebook_items', columns: ['sku text', 'kind text'], indexed: ['sku'], extras: ['money'] },
  {
    name: 'memberships',
    columns: ['customer_id text', 'location_id text', 'starts_on date', 'ends_on date'],
    indexed: ['customer_id'],
    extras: [],
  },
  {
    name: 'equipment',
    columns: ['customer_id text', 'location_id text', 'serial_number text'],
    indexed: ['customer_id', 'location_id'],
    extras: [],
  },
  {
    name: 'attachments',
    columns: ['parent_type text', 'parent_id text', 'content_type text', 'size_bytes bigint'],
    indexed: ['parent_id'],
    extras: [],
  },
  {
    name: 'leads',
    columns: ['customer_id text', 'source text'],
    indexed: ['customer_id'],
    extras: ['place'],
  },
  {
    name: 'communications',
    columns: ['customer_id text', 'job_id text', 'channel text', 'direction text', 'occurred_at timestamptz'],
    indexed: ['customer_id', 'job_id'],
    extras: [],
  },
  {
    name: 'timesheet_entries',
    columns: ['technician_id text', 'job_id text', 'started_at timestamptz', 'ended_at timestamptz'],
    indexed: ['technician_id', 'job_id'],
    extras: [],
  },
  { name: 'warehouses', columns: ['display_name text'], indexed: [], extras: ['place'] },
  {
    name: 'stock_levels',
    columns: ['warehouse_id text', 'pricebook_item_id text', 'quantity numeric'],
    indexed: ['warehouse_id', 'pricebook_item_id'],
    extras: [],
  },
  {
    name: 'purchase_orders',
    columns: ['warehouse_id text', 'supplier_name text', 'number text'],
    indexed: ['warehouse_id'],
    extras: ['money'],
  },
];

const EXTRA_COLUMNS: Record<Extra, readonly string[]> = {
  // money in integer minor units (cents); currency is ISO 4217
  money: ['total_minor bigint', 'currency text'],
  balance: ['balance_minor bigint'],
  schedule: ['scheduled_start timestamptz', 'scheduled_end timestamptz'],
  technicians: [`technician_ids text[] not null default '{}'`],
  place: ['city text', 'region text'],
};

function createTableSql(table: EntityTable): string {
  const t = table.name;
  const extraColumns = table.extras.flatMap((extra) => EXTRA_COLUMNS[extra]);
  const columns = [
    'id text primary key',
    'tenant_id text not null',
    'connection_id text not null',
    'vendor text not null',
    'external_id text not null',
    'status text',
    'vendor_status text',
    ...table.columns,
    ...extraColumns,
    `tags text[] not null default '{}'`,
    'vendor_created_at timestamptz',
    'vendor_updated_at timestamptz',
    'document jsonb not null',
    'raw jsonb',
    'content_hash text not null',
    'version integer not null default 1',
    'deleted_at timestamptz',
    'sync_generation bigint not null default 0',
    'created_at timestamptz not null default now()',
    'updated_at timestamptz not null default now()',
    `constraint ${t}_connection_external_id_key unique (connection_id, external_id)`,
    `constraint ${t}_connection_fkey foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade`,
  ];
  const indexes = [
    `create index ${t}_tenant_updated_idx on ${t} (tenant_id, vendor_updated_at desc, id)`,
    `create index ${t}_tenant_status_idx on ${t} (tenant_id, status)`,
    `create index ${t}_sync_generation_idx on ${t} (connection_id, sync_generation) where deleted_at is null`,
    `create index ${t}_tags_idx on ${t} using gin (tags)`,
    ...table.indexed.map((column) => `create index ${t}_tenant_${column}_idx on ${t} (tenant_id, ${column})`),
  ];
  if (table.extras.includes('schedule')) {
    indexes.push(`create index ${t}_tenant_scheduled_start_idx on ${t} (tenant_id, scheduled_start)`);
  }
  if (table.extras.includes('technicians')) {
    indexes.push(`create index ${t}_technician_ids_idx on ${t} using gin (technician_ids)`);
  }
  if (table.extras.includes('place')) {
    indexes.push(`create index ${t}_tenant_region_city_idx on ${t} (tenant_id, region, city)`);
  }
  return [`create table ${t} (\n  ${columns.join(',\n  ')}\n)`, ...indexes].join(';\n') + ';';
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(ENTITY_TABLES.map(createTableSql).join('\n')).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const names = ENTITY_TABLES.map((table) => table.name).reverse();
  await sql.raw(names.map((name) => `drop table ${name};`).join('\n')).execute(db);
}
