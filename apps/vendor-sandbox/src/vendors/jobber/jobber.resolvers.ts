import type { StoredRecord, WorldEntity } from '@fieldsync/sandbox-world';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import type { JobberContext } from './jobber.context';
import {
  connectionOf,
  ID_ORDER,
  type ConnectionArgs,
  type Keyed,
  type Order,
} from './jobber-connection.util';
import { parseDateTime } from './jobber-datetime.util';
import { decodeId } from './jobber-encoded-id.util';
import { invoiceStatusOf, REQUEST_STATUS, QUOTE_STATUS, SOURCE, type JobberMapper } from './jobber.mapper';
import type { IndexedCollection, IndexEntry } from './jobber-updated.index';

type Source = Record<string | symbol, unknown>;
type Resolver = GraphQLFieldResolver<Source, JobberContext, Record<string, unknown>>;
export type ResolverMap = Record<string, Record<string, Resolver>>;

interface Range {
  after?: string | null;
  before?: string | null;
}
interface Filter {
  updatedAt?: Range | null;
  createdAt?: Range | null;
  isArchived?: boolean | null;
  isLead?: boolean | null;
  tags?: readonly string[] | null;
  status?: string | null;
  jobType?: string | null;
}
interface SortInput {
  key: string;
  direction: 'ASCENDING' | 'DESCENDING';
}

/** How each Jobber node type is held in the world: its entity, whether Jobber lists it, its rendering. */
interface NodeType<E extends WorldEntity> {
  entity: E;
  visible(mapper: JobberMapper, record: StoredRecord<E>): boolean;
  render(mapper: JobberMapper, record: StoredRecord<E>): object;
}
// Method parameters are bivariant, so each typed entry widens to the table's type.
const node = <E extends WorldEntity>(n: NodeType<E>): NodeType<WorldEntity> => n;

const NODE_TYPES: Readonly<Record<string, NodeType<WorldEntity>>> = {
  Client: node({
    entity: 'customer',
    visible: (m, r) => m.isClientVisible(r),
    render: (m, r) => m.client(r),
  }),
  Property: node({
    entity: 'location',
    visible: (m, r) => m.isPropertyVisible(r),
    render: (m, r) => m.property(r),
  }),
  Job: node({ entity: 'job', visible: (m, r) => m.isRecordVisible(r), render: (m, r) => m.job(r) }),
  Visit: node({
    entity: 'appointment',
    visible: (m, r) => m.isVisitVisible(r),
    render: (m, r) => m.visit(r),
  }),
  Quote: node({
    entity: 'estimate',
    visible: (m, r) => m.isEstimateVisible(r),
    render: (m, r) => m.quote(r),
  }),
  Request: node({
    entity: 'estimate',
    visible: (m, r) => m.isEstimateVisible(r),
    render: (m, r) => m.request(r),
  }),
  Invoice: node({
    entity: 'invoice',
    visible: (m, r) => m.isRecordVisible(r),
    render: (m, r) => m.invoice(r),
  }),
  PaymentRecord: node({
    entity: 'payment',
    visible: (m, r) => m.isPaymentVisible(r),
    render: (m, r) => m.paymentRecord(r),
  }),
  User: node({ entity: 'employee', visible: (m, r) => m.isRecordVisible(r), render: (m, r) => m.user(r) }),
  ProductOrService: node({
    entity: 'pricebookItem',
    visible: (m, r) => m.isRecordVisible(r),
    render: (m, r) => m.productOrService(r),
  }),
};

/**
 * Jobber type name → the node from the world, or null when Jobber does not hold it. With `any`, a record
 * Jobber no longer lists (a deleted client of a closed job) still resolves, as references do.
 */
function loader(mapper: JobberMapper, type: string, id: number, any = false): object | null {
  const nodeType = NODE_TYPES[type];
  if (nodeType === undefined) return null;
  const record = mapper.world.store.get(nodeType.entity, id);
  if (!record || (!any && !nodeType.visible(mapper, record))) return null;
  return nodeType.render(mapper, record);
}

export function loadNode(ctx: JobberContext, type: string, encoded: string): object | null {
  const id = decodeId(encoded, type);
  return id === undefined ? null : loader(ctx.mapper, type, id);
}

/** A reference field (`client`, `job`, …): the plain `{ id }` the mapper put there, loaded in full. */
const relation =
  (type: string): Resolver =>
  (source, _args, ctx, info) => {
    const value = source[info.fieldName] as { id: string } | null | undefined;
    const id = value ? decodeId(value.id, type) : undefined;
    return id === undefined ? null : loader(ctx.mapper, type, id, true);
  };

const byId =
  (type: string): Resolver =>
  (_source, args, ctx) =>
    loadNode(ctx, type, args['id'] as string);

function src<E extends WorldEntity>(source: Source): StoredRecord<E> {
  return source[SOURCE] as StoredRecord<E>;
}

function time(value: string | null | undefined, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = parseDateTime(value);
  if (ms === undefined) {
    throw new GraphQLError(`${field}: invalid ISO8601DateTime ${value}`, {
      extensions: { code: 'INVALID_ARGUMENT' },
    });
  }
  return ms;
}

/** updatedAt/createdAt ranges: `after` and `before` are exclusive. */
function rangeTest(range: Range | null | undefined, name: string): (ms: number) => boolean {
  const after = time(range?.after, `${name}.after`);
  const before = time(range?.before, `${name}.before`);
  return (ms) => (after === undefined || ms > after) && (before === undefined || ms < before);
}

/** A list of records as a connection in id order. */
function listConnection<R extends Keyed, N>(
  records: readonly R[],
  args: ConnectionArgs,
  render: (r: R) => N,
) {
  return connectionOf(records, ID_ORDER as Order<R>, args, () => true, render);
}

const UPDATED_ORDER = (descending: boolean): Order<IndexEntry> => ({ key: (e) => [e.u, e.id], descending });
const ID_ORDER_DIR = (descending: boolean): Order<IndexEntry> => ({ key: (e) => [e.id], descending });

/** A root collection Jobber filters by updatedAt: default order is creation (id) order. */
function rootConnection<N>(
  ctx: JobberContext,
  collection: IndexedCollection,
  args: Record<string, unknown>,
  extra: ((e: IndexEntry) => boolean) | null,
  render: (id: number) => N,
) {
  const filter = (args['filter'] ?? {}) as Filter;
  const sort = ((args['sort'] as SortInput[] | null | undefined) ?? [])[0];
  const index = ctx.index.get(ctx.world, collection);
  const descending = sort?.direction === 'DESCENDING';
  const updated = sort?.key === 'UPDATED_AT';
  const updatedOk = rangeTest(filter.updatedAt, 'updatedAt');
  const createdOk = rangeTest(filter.createdAt, 'createdAt');
  return connectionOf(
    updated ? index.byUpdated : index.byId,
    updated ? UPDATED_ORDER(descending) : ID_ORDER_DIR(descending),
    args,
    (e) => updatedOk(e.u) && createdOk(e.createdOn) && (extra === null || extra(e)),
    (e) => render(e.id),
  );
}

function allVisible<E extends WorldEntity>(
  ctx: JobberContext,
  entity: E,
  visible: (r: StoredRecord<E>) => boolean,
): StoredRecord<E>[] {
  const out: StoredRecord<E>[] = [];
  for (const r of ctx.world.store.all(entity)) if (visible(r)) out.push(r);
  return out;
}

export const queryResolvers: ResolverMap = {
  Query: {
    account: () => ({ id: Buffer.from('gid://Jobber/Account/1').toString('base64'), name: 'Greenleaf HVAC' }),
    client: byId('Client'),
    property: byId('Property'),
    request: byId('Request'),
    quote: byId('Quote'),
    job: byId('Job'),
    visit: byId('Visit'),
    invoice: byId('Invoice'),
    paymentRecord: byId('PaymentRecord'),
    user: byId('User'),
    productOrService: byId('ProductOrService'),
    clients: (_s, args, ctx) => {
      const filter = (args['filter'] ?? {}) as Filter;
      const store = ctx.world.store;
      const term = typeof args['searchTerm'] === 'string' ? args['searchTerm'].toLowerCase() : '';
      const tags = filter.tags ?? [];
      const needsRecord = filter.isArchived != null || term !== '' || tags.length > 0;
      // The world has no leads among its clients.
      const noneMatch = filter.isLead === true;
      return rootConnection(
        ctx,
        'client',
        args,
        noneMatch || needsRecord
          ? (e) => {
              if (noneMatch) return false;
              const c = store.get('customer', e.id) as StoredRecord<'customer'>;
              if (filter.isArchived != null && c.active === filter.isArchived) return false;
              // A client carrying any of the tags asked for.
              if (tags.length > 0 && !tags.some((t) => c.tags?.includes(t))) return false;
              return term === '' || c.name.toLowerCase().includes(term);
            }
          : null,
        (id) => ctx.mapper.client(store.get('customer', id) as StoredRecord<'customer'>),
      );
    },
    jobs: (_s, args, ctx) => {
      const filter = (args['filter'] ?? {}) as Filter;
      const store = ctx.world.store;
      const status = filter.status ?? null;
      const oneOff = filter.jobType == null || filter.jobType === 'ONE_OFF';
      return rootConnection(
        ctx,
        'job',
        args,
        status !== null || !oneOff
          ? (e) =>
              oneOff && ctx.mapper.job(store.get('job', e.id) as StoredRecord<'job'>).jobStatus === status
          : null,
        (id) => ctx.mapper.job(store.get('job', id) as StoredRecord<'job'>),
      );
    },
    invoices: (_s, args, ctx) => {
      const status = ((args['filter'] ?? {}) as Filter).status ?? null;
      const store = ctx.world.store;
      return rootConnection(
        ctx,
        'invoice',
        args,
        status === null
          ? null
          : (e) => invoiceStatusOf(store.get('invoice', e.id) as StoredRecord<'invoice'>) === status,
        (id) => ctx.mapper.invoice(store.get('invoice', id) as StoredRecord<'invoice'>),
      );
    },
    quotes: (_s, args, ctx) => {
      const status = ((args['filter'] ?? {}) as Filter).status ?? null;
      const store = ctx.world.store;
      const estimate = (id: number) => store.get('estimate', id) as StoredRecord<'estimate'>;
      return rootConnection(
        ctx,
        'quote',
        args,
        status === null ? null : (e) => QUOTE_STATUS[estimate(e.id).status] === status,
        (id) => ctx.mapper.quote(estimate(id)),
      );
    },
    requests: (_s, args, ctx) => {
      const status = ((args['filter'] ?? {}) as Filter).status ?? null;
      const store = ctx.world.store;
      const estimate = (id: number) => store.get('estimate', id) as StoredRecord<'estimate'>;
      return rootConnection(
        ctx,
        'quote',
        args,
        status === null ? null : (e) => REQUEST_STATUS[estimate(e.id).status] === status,
        (id) => ctx.mapper.request(estimate(id)),
      );
    },
    visits: (_s, args, ctx) => {
      const filter = (args['filter'] ?? {}) as { startAt?: Range | null; endAt?: Range | null };
      const startOk = rangeTest(filter.startAt, 'startAt');
      const endOk = rangeTest(filter.endAt, 'endAt');
      // A Hold appointment is an unscheduled visit: no startAt/endAt, so no range matches it.
      return listConnection(
        allVisible(
          ctx,
          'appointment',
          (a) => ctx.mapper.isVisitVisible(a) && a.status !== 'Hold' && startOk(a.start) && endOk(a.end),
        ),
        args,
        (a) => ctx.mapper.visit(a),
      );
    },
    properties: (_s, args, ctx) =>
      listConnection(
        allVisible(ctx, 'location', (l) => ctx.mapper.isPropertyVisible(l)),
        args,
        (l) => ctx.mapper.property(l),
      ),
    paymentRecords: (_s, args, ctx) =>
      listConnection(
        allVisible(ctx, 'payment', (p) => ctx.mapper.isPaymentVisible(p)),
        args,
        (p) => ctx.mapper.paymentRecord(p),
      ),
    users: (_s, args, ctx) =>
      listConnection(
        allVisible(ctx, 'employee', (e) => ctx.mapper.isRecordVisible(e)),
        args,
        (e) => ctx.mapper.user(e),
      ),
    productsAndServices: (_s, args, ctx) =>
      listConnection(
        allVisible(ctx, 'pricebookItem', (p) => ctx.mapper.isRecordVisible(p)),
        args,
        (p) => ctx.mapper.productOrService(p),
      ),
  },
  Client: {
    tags: (s, args, ctx) =>
      listConnection(ctx.mapper.clientTags(src<'customer'>(s)), args, (t) => ctx.mapper.tag(t)),
    clientProperties: (s, args, ctx) =>
      listConnection(
        ctx.world.store
          .children('location', 'customerId', src<'customer'>(s).id)
          .filter((l) => ctx.mapper.isPropertyVisible(l)),
        args,
        (l) => ctx.mapper.property(l),
      ),
    jobs: (s, args, ctx) =>
      listConnection(ctx.world.store.children('job', 'customerId', src<'customer'>(s).id), args, (j) =>
        ctx.mapper.job(j),
      ),
    invoices: (s, args, ctx) =>
      listConnection(ctx.world.store.children('invoice', 'customerId', src<'customer'>(s).id), args, (i) =>
        ctx.mapper.invoice(i),
      ),
    quotes: (s, args, ctx) =>
      listConnection(
        ctx.world.store
          .children('estimate', 'customerId', src<'customer'>(s).id)
          .filter((e) => ctx.mapper.isEstimateVisible(e)),
        args,
        (e) => ctx.mapper.quote(e),
      ),
    requests: (s, args, ctx) =>
      listConnection(
        ctx.world.store
          .children('estimate', 'customerId', src<'customer'>(s).id)
          .filter((e) => ctx.mapper.isEstimateVisible(e)),
        args,
        (e) => ctx.mapper.request(e),
      ),
  },
  Property: {
    client: relation('Client'),
    jobs: (s, args, ctx) =>
      listConnection(ctx.world.store.children('job', 'locationId', src<'location'>(s).id), args, (j) =>
        ctx.mapper.job(j),
      ),
  },
  Request: { client: relation('Client'), property: relation('Property') },
  Quote: {
    client: relation('Client'),
    property: relation('Property'),
    request: relation('Request'),
    salesperson: relation('User'),
    lineItems: (s, args, ctx) =>
      listConnection(ctx.mapper.quoteLines(src<'estimate'>(s)), args, (l) => ctx.mapper.lineItem(l)),
  },
  LineItem: { linkedProductOrService: relation('ProductOrService') },
  Job: {
    client: relation('Client'),
    property: relation('Property'),
    quote: relation('Quote'),
    visits: (s, args, ctx) =>
      listConnection(
        ctx.world.store
          .children('appointment', 'jobId', src<'job'>(s).id)
          .filter((a) => ctx.mapper.isVisitVisible(a)),
        args,
        (a) => ctx.mapper.visit(a),
      ),
    invoices: (s, args, ctx) =>
      listConnection(ctx.world.store.children('invoice', 'jobId', src<'job'>(s).id), args, (i) =>
        ctx.mapper.invoice(i),
      ),
  },
  Visit: {
    job: relation('Job'),
    client: relation('Client'),
    property: relation('Property'),
    assignedUsers: (s, args, ctx) => {
      const store = ctx.world.store;
      const users = ctx.world.writer
        .activeAssignments(src<'appointment'>(s).id)
        .map((a) => store.get('employee', a.technicianId))
        .filter((e): e is StoredRecord<'employee'> => e !== undefined && e.deletedOn === null)
        .sort((a, b) => a.id - b.id);
      return listConnection(users, args, (e) => ctx.mapper.user(e));
    },
  },
  Invoice: {
    client: relation('Client'),
    lineItems: (s, args, ctx) => listConnection(src<'invoice'>(s).items, args, (l) => ctx.mapper.lineItem(l)),
    paymentRecords: (s, args, ctx) =>
      listConnection(
        ctx.world.store
          .children('payment', 'invoiceId', src<'invoice'>(s).id)
          .filter((p) => ctx.mapper.isPaymentVisible(p)),
        args,
        (p) => ctx.mapper.paymentRecord(p),
      ),
    properties: (s, args, ctx) => {
      const location = ctx.world.store.get('location', src<'invoice'>(s).locationId);
      return listConnection(location && ctx.mapper.isPropertyVisible(location) ? [location] : [], args, (l) =>
        ctx.mapper.property(l),
      );
    },
    jobs: (s, args, ctx) => {
      const job = ctx.world.store.get('job', src<'invoice'>(s).jobId);
      return listConnection(job ? [job] : [], args, (j) => ctx.mapper.job(j));
    },
  },
  PaymentRecord: { client: relation('Client'), invoice: relation('Invoice') },
};

/** Sets the resolvers of `maps` on the schema's fields (buildSchema leaves every field default). */
export function applyResolvers(schema: GraphQLSchema, ...maps: ResolverMap[]): GraphQLSchema {
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`no object type ${typeName} in the Jobber schema`);
      const defs = type.getFields();
      for (const [fieldName, resolve] of Object.entries(fields)) {
        const def = defs[fieldName];
        if (!def) throw new Error(`no field ${typeName}.${fieldName} in the Jobber schema`);
        def.resolve = resolve as typeof def.resolve;
      }
    }
  }
  return schema;
}
