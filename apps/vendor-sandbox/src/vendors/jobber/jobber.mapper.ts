import type { StoredRecord, World, WorldLineItem } from '@fieldsync/sandbox-world';
import { JobberAccountMapper } from './jobber-account.mapper';
import { JobberClientMapper, type TagEntry } from './jobber-client.mapper';
import { JobberInvoiceMapper } from './jobber-invoice.mapper';
import { lineItemOf } from './jobber-line-item.util';
import { JobberQuoteMapper } from './jobber-quote.mapper';
import {
  isClientVisible,
  isEstimateVisible,
  isPaymentVisible,
  isPropertyVisible,
  isRecordVisible,
  isVisitVisible,
} from './jobber-visibility.util';
import { JobberWorkMapper } from './jobber-work.mapper';

export { type TagEntry } from './jobber-client.mapper';
export { JOBBER_QUOTE_LINK } from './jobber-quote-link.util';
export { SOURCE, type Rendered } from './jobber-rendered.util';
export { PAYMENT_TYPE, QUOTE_STATUS, REQUEST_STATUS, VISIT_STATUS } from './jobber-status.constants';
export { invoiceStatusOf, jobStatusOf } from './jobber-status.util';
export { JOBBER_TYPES } from './jobber-type-names.constants';

/**
 * The world rendered as Jobber holds it (vendors.md §2). Every object is plain JSON: exactly what a
 * query selecting its scalar fields (and `{ id }` of its references, and a client's tags as
 * `tags(first: 100) { nodes { label } pageInfo { hasNextPage endCursor } }`) returns, which is also the
 * ground truth export. The world record behind an object is kept under a symbol for the resolvers.
 *
 * What Jobber holds: deleted and merged-away customers and locations, voided payments, canceled or
 * deleted appointments and deleted estimates are gone (Jobber deletes them; a connector only notices by
 * their absence or a DESTROY webhook). Inactive customers are archived clients.
 *
 * Statuses are derived from stored state only, never from the clock (see JOB_STATUS_NOTE), so that
 * `updatedAt` moves whenever a rendered field changes: an object's `updatedAt` is the latest
 * modification of every world record it is rendered from (a client's contacts, a job's visits and
 * invoices).
 *
 * One mapper per family of objects (clients and properties, jobs and visits, quotes and requests,
 * invoices and payments, users and products); this class renders records of one world through them,
 * computing everything from the store on demand.
 */
export class JobberMapper {
  readonly clients: JobberClientMapper;
  readonly work: JobberWorkMapper;
  readonly quotes: JobberQuoteMapper;
  readonly invoices: JobberInvoiceMapper;
  readonly account = new JobberAccountMapper();

  constructor(readonly world: World) {
    this.clients = new JobberClientMapper(world.store);
    this.work = new JobberWorkMapper(world.store);
    this.quotes = new JobberQuoteMapper(world.store);
    this.invoices = new JobberInvoiceMapper(world.store);
  }

  // ------------------------------------------------------------ visibility

  isClientVisible(c: StoredRecord<'customer'>): boolean {
    return isClientVisible(c);
  }
  isPropertyVisible(l: StoredRecord<'location'>): boolean {
    return isPropertyVisible(l);
  }
  isVisitVisible(a: StoredRecord<'appointment'>): boolean {
    return isVisitVisible(a);
  }
  isEstimateVisible(e: StoredRecord<'estimate'>): boolean {
    return isEstimateVisible(e);
  }
  isPaymentVisible(p: StoredRecord<'payment'>): boolean {
    return isPaymentVisible(p);
  }
  isRecordVisible(r: { deletedOn: number | null }): boolean {
    return isRecordVisible(r);
  }

  // ------------------------------------------------------------ updatedAt (epoch ms)

  clientUpdatedAt(c: StoredRecord<'customer'>): number {
    return this.clients.clientUpdatedAt(c);
  }

  jobUpdatedAt(j: StoredRecord<'job'>): number {
    return this.work.jobUpdatedAt(j);
  }

  /** The job converted from quote `estimateId` (jobCreate with quoteId), if any. */
  convertedJobOf(estimateId: number): StoredRecord<'job'> | undefined {
    return this.work.convertedJobOf(estimateId);
  }

  // ------------------------------------------------------------ objects

  client(c: StoredRecord<'customer'>) {
    return this.clients.client(c);
  }

  /** The client's tags in the order they were added (the `tags` connection's order). */
  clientTags(c: StoredRecord<'customer'>): TagEntry[] {
    return this.clients.clientTags(c);
  }

  tag(t: TagEntry) {
    return this.clients.tag(t);
  }

  property(l: StoredRecord<'location'>) {
    return this.clients.property(l);
  }

  job(j: StoredRecord<'job'>) {
    return this.work.job(j);
  }

  visit(a: StoredRecord<'appointment'>) {
    return this.work.visit(a);
  }

  quote(e: StoredRecord<'estimate'>) {
    return this.quotes.quote(e);
  }

  quoteLines(e: StoredRecord<'estimate'>) {
    return this.quotes.quoteLines(e);
  }

  request(e: StoredRecord<'estimate'>) {
    return this.quotes.request(e);
  }

  lineItem(line: Readonly<WorldLineItem>) {
    return lineItemOf(line);
  }

  invoice(i: StoredRecord<'invoice'>) {
    return this.invoices.invoice(i);
  }

  paymentRecord(p: StoredRecord<'payment'>) {
    return this.invoices.paymentRecord(p);
  }

  user(e: StoredRecord<'employee'>) {
    return this.account.user(e);
  }

  productOrService(p: StoredRecord<'pricebookItem'>) {
    return this.account.productOrService(p);
  }
}
