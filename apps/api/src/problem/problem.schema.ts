import { z } from 'zod';
import { ProblemCode } from './problem.error';

/** RFC 9457 problem details as the api sends them (`application/problem+json`). */
export const problemSchema = z
  .strictObject({
    type: z.string().describe('urn:fieldsync:problem:<code>'),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().describe('The request id (also in X-Request-Id)'),
    code: z.enum(ProblemCode),
    errors: z
      .array(
        z.strictObject({ field: z.string().describe('query.status, body.scopes.0 …'), message: z.string() }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });
