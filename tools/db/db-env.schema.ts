import { z } from 'zod';

const postgresUrl = z
  .string({ error: 'is not set' })
  .trim()
  .min(1, 'is empty')
  .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
    message: 'must be a postgres:// or postgresql:// URL, e.g. postgres://user@host:5432/fieldsync',
  });

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export type DatabaseUrlResult =
  { ok: true; url: string; defaulted: boolean } | { ok: false; message: string };

/**
 * Reads `DATABASE_URL` from `env`. With `fallback`, an unset variable yields the fallback (reported as
 * `defaulted`); a set but malformed one is always an error. The message names the variable and never
 * echoes its value (it may hold a password).
 */
export function readDatabaseUrl(env: NodeJS.ProcessEnv, fallback?: string): DatabaseUrlResult {
  const raw = env['DATABASE_URL'];
  if ((raw === undefined || raw === '') && fallback !== undefined)
    return { ok: true, url: fallback, defaulted: true };
  const parsed = postgresUrl.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      message: `DATABASE_URL ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
    };
  }
  return { ok: true, url: parsed.data, defaulted: false };
}

/** `host:port/database` of a Postgres URL, without credentials: safe to log. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
