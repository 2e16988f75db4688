import { z } from 'zod';
import { baseEntityShape } from '../common/base-entity.schema';
import { timestampSchema } from '../common/timestamp.schema';
import { anyCanonicalIdSchema, idSchemas } from '../ids/canonical-id.schema';
import { parseCanonicalId } from '../ids/canonical-id.util';

export const ATTACHMENT_PARENT_TYPES = [
  'customer',
  'location',
  'job',
  'appointment',
  'estimate',
  'invoice',
  'equipment',
  'lead',
] as const;
export const ATTACHMENT_KINDS = ['photo', 'document', 'signature', 'other'] as const;

export const contentTypeSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i,
    'expected a MIME type such as image/jpeg',
  );
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case hex SHA-256 digest');

/**
 * A file attached to a record: photos, PDFs, signatures (the seeds' `upl_` uploads). The bytes live in
 * object storage under `storageKey`; time-limited download URLs are minted on request and never stored
 * in the canonical object or events.
 */
export const attachmentSchema = z
  .strictObject({
    ...baseEntityShape('attachment'),
    parentType: z.enum(ATTACHMENT_PARENT_TYPES),
    parentId: anyCanonicalIdSchema,
    kind: z.enum(ATTACHMENT_KINDS),
    fileName: z.string().min(1).max(255),
    contentType: contentTypeSchema,
    sizeBytes: z.int().min(0).nullable(),
    checksumSha256: sha256HexSchema.nullable(),
    storageKey: z.string().max(1024).nullable(),
    uploadedByTechnicianId: idSchemas.technician.nullable(),
    capturedAt: timestampSchema.nullable(),
  })
  .superRefine((attachment, ctx) => {
    const parent = parseCanonicalId(attachment.parentId);
    if (parent && parent.entity !== attachment.parentType) {
      ctx.addIssue({
        code: 'custom',
        message: `parentId is a ${parent.entity} id but parentType is ${attachment.parentType}`,
        path: ['parentId'],
      });
    }
  });

export type Attachment = z.infer<typeof attachmentSchema>;
