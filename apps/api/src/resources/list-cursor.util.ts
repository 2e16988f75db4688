import { z } from 'zod';

/** A keyset position: the store's `updated_at` (microseconds, as Postgres prints it in UTC) and the row id. */
export interface ListPosition {
  readonly updatedAt: string;
  readonly id: string;
}

const positionSchema = z.strictObject({
  u: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  i: z.string().min(1).max(200),
});

/** The opaque `cursor` of a list page: base64url of the last item's position. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ u: position.updatedAt, i: position.id })).toString('base64url');
}

/** The position in a cursor, or undefined when it is not one this api made. */
export function decodeCursor(cursor: string): ListPosition | undefined {
  try {
    const parsed = positionSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { updatedAt: parsed.data.u, id: parsed.data.i } : undefined;
  } catch {
    return undefined;
  }
}
