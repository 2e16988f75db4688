import { z } from 'zod';
import { canonicalIdSchema, connectionIdSchema } from '../ids/canonical-id.schema';
import { EntityType } from '../ids/entity-type.schema';
import { timestampSchema } from './timestamp.schema';
import { vendorSchema } from './vendor.schema';

/**
 * The fields every canonical entity carries. `externalId` is the vendor's own id as a string (int64 ids
 * and base64 gids alike). `deletedAt` is null unless the vendor deleted/merged the record. The vendor's
 * raw payload is NOT part of the canonical object: it lives in the store beside it.
 */
export function baseEntityShape<E extends EntityType>(entity: E) {
  return {
    id: canonicalIdSchema(entity),
    vendor: vendorSchema,
    externalId: z.string().min(1, 'externalId must not be empty').max(512),
    connectionId: connectionIdSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    deletedAt: timestampSchema.nullable(),
  };
}

/** Optional free text: trimmed to null by connectors; bounded so a scrape gone wrong cannot bloat events. */
export const textSchema = z.string().max(20_000);
export const nameSchema = z.string().trim().min(1, 'must not be empty').max(500);
