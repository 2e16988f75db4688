import { z } from 'zod';
import { commandIdSchema } from '../ids/ulid-id.schema';
import { COMMAND_TYPES, Command, commandSchema } from './command.schema';
import { idempotencyKeySchema } from './idempotency-key.schema';

export interface CommandIssue {
  /** Dotted path of the offending field, e.g. `payload.lineItems[0].unitPrice`; `(root)` for the whole. */
  readonly field: string;
  readonly message: string;
  readonly code: string;
}

export type ParseCommandResult =
  | { readonly ok: true; readonly command: Command }
  | {
      readonly ok: false;
      readonly issues: CommandIssue[];
      /** Best-effort ids from the invalid input, so the writer can still publish a `rejected` result. */
      readonly commandId: string | undefined;
      readonly idempotencyKey: string | undefined;
    };

/** `['payload', 'lineItems', 0, 'unitPrice']` → `payload.lineItems[0].unitPrice`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One issue per offending field; unknown keys become one issue per key, named by their full path. */
export function issuesFromZodError(error: z.ZodError): CommandIssue[] {
  const issues: CommandIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          field: formatIssuePath([...issue.path, key]),
          message: `unknown field "${key}"`,
          code: issue.code,
        });
      }
    } else if (issue.code === 'invalid_union' && issue.path.at(-1) === 'type' && issue.path.length === 1) {
      issues.push({
        field: 'type',
        message: `unknown command type; expected one of ${COMMAND_TYPES.join(', ')}`,
        code: issue.code,
      });
    } else {
      issues.push({ field: formatIssuePath(issue.path), message: issue.message, code: issue.code });
    }
  }
  return issues;
}

function pick(input: unknown, key: string, schema: z.ZodType<string>): string | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const parsed = schema.safeParse((input as Record<string, unknown>)[key]);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Validates an untrusted command (already JSON-parsed). Never throws: a malformed command yields the list
 * of offending fields so the writer can publish a `rejected` result naming them, without retrying.
 */
export function parseCommand(input: unknown): ParseCommandResult {
  const parsed = commandSchema.safeParse(input);
  if (parsed.success) return { ok: true, command: parsed.data };
  return {
    ok: false,
    issues: issuesFromZodError(parsed.error),
    commandId: pick(input, 'commandId', commandIdSchema),
    idempotencyKey: pick(input, 'idempotencyKey', idempotencyKeySchema),
  };
}
