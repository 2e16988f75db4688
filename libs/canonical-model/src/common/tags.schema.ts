import { z } from 'zod';

export const tagSchema = z.string().trim().min(1, 'tag must not be empty').max(100);

/** Tags are a set: duplicates are rejected (connectors dedupe), order carries no meaning. */
export const tagsSchema = z.array(tagSchema).superRefine((tags, ctx) => {
  const seen = new Set<string>();
  tags.forEach((tag, index) => {
    if (seen.has(tag))
      ctx.addIssue({ code: 'custom', message: `duplicate tag ${JSON.stringify(tag)}`, path: [index] });
    seen.add(tag);
  });
});

export const customFieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Vendor custom fields / UDFs keyed by the field's name as the vendor shows it, as in the seeds
 * (`{"parking_instructions": "Use driveway"}`). Values are scalars; dates arrive as strings.
 */
export const customFieldsSchema = z.record(z.string().min(1).max(200), customFieldValueSchema);

export type Tags = z.infer<typeof tagsSchema>;
export type CustomFields = z.infer<typeof customFieldsSchema>;
