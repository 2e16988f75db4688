import type { z } from 'zod';
import { ApiProblem, ProblemCode, type ProblemField } from './problem.error';

/**
 * zod issues as problem fields, each path prefixed by the request part (`query.status`, `body.name`); an
 * unknown key is named itself (`body.attachments`), not the object that holds it.
 */
export function problemFields(part: string, issues: readonly z.core.$ZodIssue[]): ProblemField[] {
  return issues.flatMap((issue) => {
    const at = [part, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...at, key].join('.'),
        message: issue.message,
      }));
    }
    return [{ field: at.join('.'), message: issue.message }];
  });
}

/** Parses one part of a request with its zod schema, or throws a 400 problem naming every bad field. */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: 'query' | 'body' | 'path' | 'header',
): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const errors = problemFields(part, parsed.error.issues);
  throw new ApiProblem(
    ProblemCode.InvalidRequest,
    `invalid ${part}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    errors,
  );
}
