import { z } from 'zod';
import { decodeCursor } from './list-cursor.util';
import type { AnyResource, FilterName } from './resource.types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (value: string): boolean =>
  DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

const dateSchema = z.string().refine(isRealDate, 'expected a date YYYY-MM-DD');
const timestampSchema = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 timestamp such as 2026-01-24T10:45:00Z',
});
const dateOrTimestampSchema = z.union([dateSchema, timestampSchema], {
  error: 'expected a date YYYY-MM-DD or an ISO 8601 timestamp',
});
const tokenSchema = z.string().trim().min(1, 'must not be empty').max(200);

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

function filterSchema(name: FilterName, resource: AnyResource): z.ZodType {
  switch (name) {
    case 'status':
      return z.enum(resource.statuses as [string, ...string[]]);
    case 'fromDate':
    case 'toDate':
      return dateSchema;
    case 'scheduledFrom':
    case 'scheduledTo':
      return dateOrTimestampSchema;
    case 'updatedFrom':
    case 'updatedTo':
      return timestampSchema;
    default:
      return tokenSchema;
  }
}

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * The query string a collection accepts: its filters, `connectionId`, `page`/`pageSize` and the opaque
 * `cursor` (not with `page`). Unknown parameters are refused by name, so a typo never lists everything.
 */
export function listQuerySchema(resource: AnyResource) {
  const filters = Object.fromEntries(
    resource.filters.map((name) => [name, filterSchema(name, resource).optional()]),
  );
  return z
    .strictObject({
      connectionId: tokenSchema.optional(),
      page: integer(1, 1_000_000).optional(),
      pageSize: integer(1, MAX_PAGE_SIZE).optional(),
      cursor: z
        .string()
        .max(1000)
        .refine((c) => decodeCursor(c) !== undefined, 'not a cursor this API returned')
        .optional(),
      ...filters,
    })
    .superRefine((query, ctx) => {
      if (query.cursor !== undefined && query.page !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['page'], message: 'page and cursor exclude each other' });
      }
    });
}

export type ListQuery = {
  connectionId?: string;
  page?: number;
  pageSize?: number;
  cursor?: string;
} & Partial<Record<FilterName, string>>;

/** Every filter's query schema (for OpenAPI): the parameter and its schema. */
export function listParameters(
  resource: AnyResource,
): { name: string; schema: z.ZodType; description: string }[] {
  return [
    {
      name: 'connectionId',
      schema: tokenSchema,
      description: 'Only this connection (default: every connection of the tenant)',
    },
    { name: 'page', schema: z.int().min(1), description: 'Page number, from 1 (not with cursor)' },
    {
      name: 'pageSize',
      schema: z.int().min(1).max(MAX_PAGE_SIZE),
      description: `Items per page (default ${DEFAULT_PAGE_SIZE})`,
    },
    {
      name: 'cursor',
      schema: z.string(),
      description: 'Opaque keyset cursor from nextCursor (ascending updated_at, id)',
    },
    ...resource.filters.map((name) => ({
      name,
      schema: filterSchema(name, resource),
      description: FILTER_DESCRIPTIONS[name],
    })),
  ];
}

const FILTER_DESCRIPTIONS: Record<FilterName, string> = {
  status: 'Canonical status',
  technicianId: 'Assigned technician id',
  assignedUserId: 'Assigned user (technician) id',
  fromDate: 'On or after this date (YYYY-MM-DD, UTC)',
  toDate: 'On or before this date (YYYY-MM-DD, UTC)',
  scheduledFrom: 'Scheduled start on or after (date or timestamp)',
  scheduledTo: 'Scheduled start on or before (date: that whole day, or timestamp)',
  updatedFrom: 'Updated at or after (ISO 8601)',
  updatedTo: 'Updated at or before (ISO 8601)',
  tag: 'Carries this tag',
  city: 'City of the address',
  region: 'Region (state) of the address',
};
