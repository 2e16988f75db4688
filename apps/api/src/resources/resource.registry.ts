import { customersResource, clientsResource } from './collections/customer.resources';
import { appointmentsResource, jobsResource } from './collections/job.resources';
import {
  estimatesResource,
  invoicesResource,
  paymentsResource,
  quotesResource,
} from './collections/sales.resources';
import {
  equipmentResource,
  leadsResource,
  membershipsResource,
  pricebookItemsResource,
  techniciansResource,
} from './collections/catalog.resources';
import type { AnyResource } from './resource.types';

/** Every collection the api lists, in the order of the issue; the OpenAPI document follows it. */
export const RESOURCES: readonly AnyResource[] = [
  customersResource,
  clientsResource,
  jobsResource,
  appointmentsResource,
  estimatesResource,
  quotesResource,
  invoicesResource,
  paymentsResource,
  techniciansResource,
  pricebookItemsResource,
  membershipsResource,
  equipmentResource,
  leadsResource,
];

export const RESOURCES_BY_NAME: ReadonlyMap<string, AnyResource> = new Map(RESOURCES.map((r) => [r.name, r]));
