import {
  createWebhookEndpointSchema,
  listWebhookEndpointsQuerySchema,
  listWebhookMessagesQuerySchema,
  recoverWebhookMessagesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
} from '@fieldsync/canonical-model';
import type { z } from 'zod';

/*
 * The endpoints API's requests are stated once in @fieldsync/canonical-model (webhooks/), shared with
 * apps/api; here they only gain what the dispatcher stores: an empty filter list is kept as null
 * ("no filter").
 */

interface Filters {
  eventTypes?: string[] | null | undefined;
  vendors?: string[] | null | undefined;
  connectionIds?: string[] | null | undefined;
}

const emptyAsNull = <T>(list: T[] | null | undefined): T[] | null | undefined =>
  list !== undefined && list !== null && list.length === 0 ? null : list;

function withoutEmptyFilters<R extends Filters>(request: R): R {
  return {
    ...request,
    eventTypes: emptyAsNull(request.eventTypes),
    vendors: emptyAsNull(request.vendors),
    connectionIds: emptyAsNull(request.connectionIds),
  };
}

/** `POST /endpoints`. */
export const createEndpointSchema = createWebhookEndpointSchema.transform(withoutEmptyFilters);
export type CreateEndpointRequest = z.output<typeof createEndpointSchema>;

/** `PATCH /endpoints/:id`: only the fields given change. */
export const updateEndpointSchema = updateWebhookEndpointSchema.transform(withoutEmptyFilters);
export type UpdateEndpointRequest = z.output<typeof updateEndpointSchema>;

/** `POST /endpoints/:id/rotate-secret`. */
export const rotateSecretSchema = rotateWebhookSecretSchema;

/** `POST /endpoints/:id/recover`: failed messages created in [since, until). */
export const recoverSchema = recoverWebhookMessagesSchema;

/** `GET /endpoints?limit&after`. */
export const listEndpointsQuerySchema = listWebhookEndpointsQuerySchema;

/** `GET /endpoints/:id/messages?limit&before&status`. */
export const listMessagesQuerySchema = listWebhookMessagesQuerySchema;
