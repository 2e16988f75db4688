import { z } from 'zod';

/** A whole number in a query string (`?limit=50`), within [min, max]. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,18}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** An ISO 8601 timestamp with its offset, in a query string. */
export const isoTimestamp = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp' });

/** A non-empty id or name in a query string. */
export const queryToken = z.string().trim().min(1, 'must not be empty').max(200);
