import {
  housecallproCustomerSchema,
  housecallproServiceAddressSchema,
  type HousecallProCustomer,
} from '../housecallpro.schemas';
import { NORMAL_MS, streamSpec } from './stream.reader';

/**
 * Customers, `updated_at desc` to the watermark; each row's `service` addresses are yielded after it as
 * Location records (with the customer's id and times), its `billing` address stays on the customer.
 */
export const customersStream = streamSpec({
  stream: 'customers',
  list: { path: '/customers', key: 'customers', mode: 'watermark' },
  entity: 'customer',
  intervalMs: NORMAL_MS,
  row: housecallproCustomerSchema,
  children: {
    entities: ['location'],
    of: (c: HousecallProCustomer) =>
      c.addresses
        .filter((a) => a.type === 'service')
        .map((a) => ({
          entity: 'location' as const,
          schema: housecallproServiceAddressSchema,
          raw: {
            ...a,
            customer_id: c.id,
            customer_created_at: c.created_at,
            customer_updated_at: c.updated_at,
          },
        })),
  },
});
