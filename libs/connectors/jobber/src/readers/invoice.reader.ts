import { INVOICE, LINE_ITEM } from '../jobber-selections';
import { jobberInvoiceSchema } from '../jobber.schemas';
import { complete } from './paging.util';
import { MINUTE, type StreamSpec } from './stream.reader';
import { isNode, validatedRecord } from './wire-record.util';

/** Invoices with all their lines, sorted by updatedAt. */
export const invoicesStream: StreamSpec = {
  stream: 'invoices',
  entities: ['invoice'],
  intervalMs: MINUTE,
  root: 'invoices',
  mode: { kind: 'sorted', filterType: 'InvoiceFilterAttributes' },
  nodes: INVOICE,
  records: async (node, rest) => [
    validatedRecord(
      'invoice',
      jobberInvoiceSchema,
      isNode(node) ? await complete(node, 'invoice', 'lineItems', LINE_ITEM, rest) : node,
    ),
  ],
};
