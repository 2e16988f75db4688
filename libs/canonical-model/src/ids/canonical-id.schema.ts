import { z } from 'zod';
import { ENTITY_TYPES, EntityType } from './entity-type.schema';
import { ID_PREFIXES } from './id-prefix.constants';
import { parseCanonicalId } from './canonical-id.util';

function buildIdSchema(entity: EntityType): z.ZodString {
  const prefix = ID_PREFIXES[entity];
  return z.string().refine((value) => parseCanonicalId(value)?.entity === entity, {
    message: `expected a canonical ${entity} id (${prefix}_ followed by 26 base32 characters)`,
  });
}

/** One validation schema per entity: `idSchemas.job.parse('job_…')`. */
export const idSchemas = Object.fromEntries(
  ENTITY_TYPES.map((entity) => [entity, buildIdSchema(entity)]),
) as Record<EntityType, z.ZodString>;

/** Schema for the canonical id of `entity`. */
export function canonicalIdSchema(entity: EntityType): z.ZodString {
  return idSchemas[entity];
}

/** Any well-formed canonical entity id. */
export const anyCanonicalIdSchema = z
  .string()
  .refine((value) => parseCanonicalId(value) !== undefined, { message: 'expected a canonical entity id' });

/**
 * Tenant and connection ids are minted by other services (UUID, ULID or prefixed): 1–128 characters of
 * letters, digits, `_` and `-`, which keeps them safe inside NATS subjects and CloudEvents `source`.
 */
export const tenantIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'tenantId must be 1-128 letters, digits, _ or -');
export const connectionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'connectionId must be 1-128 letters, digits, _ or -');
