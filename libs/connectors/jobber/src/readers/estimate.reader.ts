import { LINE_ITEM, QUOTE } from '../jobber-selections';
import { jobberQuoteSchema } from '../jobber.schemas';
import { complete } from './paging.util';
import { MINUTE, type StreamSpec } from './stream.reader';
import { isNode, validatedRecord } from './wire-record.util';

/** Quotes with all their lines: filtered by updatedAt but not sortable by it (overlapping passes). */
export const quotesStream: StreamSpec = {
  stream: 'quotes',
  entities: ['estimate'],
  intervalMs: 2 * MINUTE,
  root: 'quotes',
  mode: { kind: 'filtered', filterType: 'QuoteFilterAttributes' },
  nodes: QUOTE,
  records: async (node, rest) => [
    validatedRecord(
      'estimate',
      jobberQuoteSchema,
      isNode(node) ? await complete(node, 'quote', 'lineItems', LINE_ITEM, rest) : node,
    ),
  ],
};
