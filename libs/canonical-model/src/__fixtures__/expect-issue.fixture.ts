import { z } from 'zod';

/** Asserts that parsing fails and that some issue sits exactly at `path` (and optionally matches `message`). */
export function expectIssueAt(
  schema: z.ZodType,
  value: unknown,
  path: (string | number)[],
  message?: RegExp,
): void {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  const issues = result.error?.issues ?? [];
  const atPath = issues.filter((issue) => JSON.stringify(issue.path) === JSON.stringify(path));
  if (atPath.length === 0) {
    throw new Error(
      `no issue at ${JSON.stringify(path)}; got ${JSON.stringify(issues.map((i) => [i.path, i.message]))}`,
    );
  }
  if (message) expect(atPath.map((issue) => issue.message).join('\n')).toMatch(message);
}

export function expectValid(schema: z.ZodType, value: unknown): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`expected valid, got ${z.prettifyError(result.error)}`);
}
