import { z } from 'zod';

export type Env = Readonly<Record<string, string | undefined>>;

/** One bad variable: its name and what is wrong with it (never its value: it may be a secret). */
export interface ConfigIssue {
  variable: string;
  problem: 'missing' | 'malformed';
  message: string;
}

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; issues: ConfigIssue[] };

/**
 * Parses the environment with a zod object schema. Empty strings count as unset, so `FOO=` falls
 * back to the default or is reported missing. Pure: returns every issue instead of exiting.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env): ConfigResult<z.output<S>> {
  const input: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') input[name] = value;
  }
  const result = schema.safeParse(input, { reportInput: false });
  if (result.success) return { ok: true, config: result.data };

  const byVariable = new Map<string, ConfigIssue>();
  for (const issue of result.error.issues) {
    const variable = typeof issue.path[0] === 'string' ? issue.path[0] : '(environment)';
    const missing = variable !== '(environment)' && input[variable] === undefined;
    const known = byVariable.get(variable);
    if (known) {
      if (!missing && !known.message.includes(issue.message)) known.message += `; ${issue.message}`;
      continue;
    }
    byVariable.set(variable, {
      variable,
      problem: missing ? 'missing' : 'malformed',
      message: missing ? 'is required but not set' : issue.message,
    });
  }
  const issues = [...byVariable.values()].sort((a, b) => a.variable.localeCompare(b.variable));
  return { ok: false, issues };
}

/** The text printed to stderr for a bad environment: one line per variable. */
export function formatConfigIssues(service: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => `  - ${i.variable}: ${i.problem}: ${i.message}`);
  return `${service}: invalid configuration (${issues.length} variable${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}\n`;
}

/**
 * The one config reader: parses `env` (default `process.env`) before Nest starts; on failure
 * prints every bad variable by name to stderr and exits 1.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Env = process.env,
  service = 'fieldsync',
): z.output<S> {
  const result = parseConfig(schema, env);
  if (result.ok) return result.config;
  process.stderr.write(formatConfigIssues(service, result.issues));
  process.exit(1);
}
