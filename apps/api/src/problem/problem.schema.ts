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
    // extension members (RFC 9457 §3.2) of a write whose command failed
    commandId: z
      .string()
      .optional()
      .describe('A write whose command failed: the command (GET /commands/{id})'),
    commandError: z.string().optional().describe('A write whose command failed: the writer’s error code'),
    retriable: z
      .boolean()
      .optional()
      .describe('A write whose command failed: whether the same call (same key) may succeed later'),
  })
  .meta({ id: 'Problem' });
