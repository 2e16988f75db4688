import { CLIENT, PROPERTY, TAG } from '../jobber-selections';
import { jobberClientSchema, jobberPropertySchema } from '../jobber.schemas';
import { complete, nodesOf } from './paging.util';
import { MINUTE, type StreamSpec } from './stream.reader';
import { isNode, singleRecord, validatedRecord } from './wire-record.util';

/* Clients and their properties: a client page yields both, the properties listing catches the rest. */

export const clientsStream: StreamSpec = {
  stream: 'clients',
  entities: ['customer', 'location'],
  // Locations are reconciled by the properties stream (the whole list); a client page holds only some.
  reconciles: ['customer'],
  intervalMs: MINUTE,
  root: 'clients',
  mode: { kind: 'sorted', filterType: 'ClientFilterAttributes' },
  nodes: CLIENT,
  // A client page also yields its properties (they have no updatedAt of their own).
  records: async (node, rest) => {
    if (!isNode(node)) return [validatedRecord('customer', jobberClientSchema, node)];
    const tagged = await complete(node, 'client', 'tags', TAG, rest);
    const full = await complete(tagged, 'client', 'clientProperties', PROPERTY, rest);
    const { clientProperties, ...client } = full;
    return [
      validatedRecord('customer', jobberClientSchema, client),
      ...nodesOf(clientProperties).map((p) => validatedRecord('location', jobberPropertySchema, p)),
    ];
  },
};

export const propertiesStream: StreamSpec = {
  // Property edits do not move the client's updatedAt, and a property can outlive its client's
  // listing: the whole list, at a slower pace, is what finds them.
  stream: 'properties',
  entities: ['location'],
  intervalMs: 15 * MINUTE,
  root: 'properties',
  mode: { kind: 'listing' },
  nodes: PROPERTY,
  records: singleRecord('location', jobberPropertySchema),
};
