import { z } from 'zod';

/**
 * Idempotency keys: 1–255 printable ASCII characters (0x20–0x7E), as Stripe allows up to 255. Leading or
 * trailing spaces are rejected because HTTP header parsing trims them and two keys would then collide.
 * A UUID v4 or a ULID is the recommended value.
 */
export const idempotencyKeySchema = z
  .string()
  .min(1, 'idempotencyKey must not be empty')
  .max(255, 'idempotencyKey must be at most 255 characters')
  .regex(/^[\x20-\x7e]*$/, 'idempotencyKey must be printable ASCII')
  .refine((key) => key.trim() === key, 'idempotencyKey must not start or end with whitespace');

export type IdempotencyKey = z.infer<typeof idempotencyKeySchema>;
