import { z } from 'zod';
import { timestampSchema } from '../common/timestamp.schema';
import { vendorSchema } from '../common/vendor.schema';
import { entitySchemas, EntityOf } from '../entities/entity-registry.schema';
import { anyCanonicalIdSchema, connectionIdSchema, tenantIdSchema } from '../ids/canonical-id.schema';
import { parseCanonicalId } from '../ids/canonical-id.util';
import { EntityType } from '../ids/entity-type.schema';
import { eventIdSchema } from '../ids/ulid-id.schema';
import { entityEventTypeSchema, entityOfEventType } from './event-type.schema';
import { sequenceSchema } from './sequence.util';

/** `fieldsync/<vendor>/<connectionId>`: the CloudEvents `source` of everything one connection produces. */
export function eventSource(vendor: string, connectionId: string): string {
  return `fieldsync/${vendor}/${connectionId}`;
}

export const changeEventDataSchema = z.strictObject({
  /** The canonical object after the change; for `*.deleted`, the last known object. */
  object: z.record(z.string(), z.unknown()),
  /** Old values of the changed fields; null for created and deleted events. */
  previous: z.record(z.string(), z.unknown()).nullable(),
  /** Top-level fields that changed; empty for created and deleted events. */
  changedFields: z.array(z.string()),
});

const changeEventShape = z.strictObject({
  specversion: z.literal('1.0'),
  id: eventIdSchema,
  source: z.string(),
  type: entityEventTypeSchema,
  subject: anyCanonicalIdSchema,
  time: timestampSchema,
  datacontenttype: z.literal('application/json'),
  tenantid: tenantIdSchema,
  connectionid: connectionIdSchema,
  vendor: vendorSchema,
  sequence: sequenceSchema,
  data: changeEventDataSchema,
});

type ChangeEventShape = z.infer<typeof changeEventShape>;

/** The envelope's consistency: source, subject, and `data` agreeing with them (not the object's schema). */
function checkEnvelope(event: ChangeEventShape, ctx: z.RefinementCtx): void {
  if (event.source !== eventSource(event.vendor, event.connectionid)) {
    ctx.addIssue({
      code: 'custom',
      message: `source must be ${eventSource(event.vendor, event.connectionid)}`,
      path: ['source'],
    });
  }
  const entity = entityOfEventType(event.type);
  if (parseCanonicalId(event.subject)?.entity !== entity) {
    ctx.addIssue({
      code: 'custom',
      message: `subject must be a ${entity} id for ${event.type}`,
      path: ['subject'],
    });
  }
  const object = event.data.object;
  if (object['id'] !== event.subject) {
    ctx.addIssue({
      code: 'custom',
      message: 'data.object.id must equal subject',
      path: ['data', 'object', 'id'],
    });
  }
  if (object['connectionId'] !== event.connectionid) {
    ctx.addIssue({
      code: 'custom',
      message: 'data.object.connectionId must equal connectionid',
      path: ['data', 'object', 'connectionId'],
    });
  }
  if (object['vendor'] !== event.vendor) {
    ctx.addIssue({
      code: 'custom',
      message: 'data.object.vendor must equal vendor',
      path: ['data', 'object', 'vendor'],
    });
  }
  const previousKeys = Object.keys(event.data.previous ?? {}).sort();
  const changed = [...event.data.changedFields].sort();
  if (previousKeys.join('\n') !== changed.join('\n')) {
    ctx.addIssue({
      code: 'custom',
      message: 'previous must hold exactly the changedFields',
      path: ['data', 'previous'],
    });
  }
}

/** `data.object` against the schema of the entity named by `type`. */
function checkObject(event: ChangeEventShape, ctx: z.RefinementCtx): void {
  const parsed = entitySchemas[entityOfEventType(event.type)].safeParse(event.data.object);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['data', 'object', ...issue.path] });
    }
  }
}

/**
 * The change event integrators consume: a CloudEvents 1.0 JSON document (structured mode).
 * Extension attributes are lower-case alphanumerics as CloudEvents requires: `tenantid`, `connectionid`,
 * `vendor`, `sequence` (a zero-padded decimal string, see sequence.util.ts). `data.object` is validated
 * against the schema of the entity named by `type`, and must be the record named by `subject`.
 */
export const changeEventSchema = changeEventShape.superRefine((event, ctx) => {
  checkEnvelope(event, ctx);
  checkObject(event, ctx);
});

/**
 * The same event with `data.object` taken as already valid (its entity schema is not run again): for
 * the change log, whose objects were validated against their entity's schema when they were mapped or
 * stored. Every other check of changeEventSchema applies.
 */
export const changeEventOfValidObjectSchema = changeEventShape.superRefine(checkEnvelope);

export type ChangeEvent = z.infer<typeof changeEventSchema>;

/** A change event whose `data` is typed for entity E (derived from the schemas, not a second shape). */
export type ChangeEventOf<E extends EntityType> = Omit<ChangeEvent, 'data'> & {
  data: {
    object: EntityOf<E>;
    previous: Partial<EntityOf<E>> | null;
    changedFields: (keyof EntityOf<E> & string)[];
  };
};
