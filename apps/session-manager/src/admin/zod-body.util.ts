import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Parses a request part with its zod schema; a 400 naming every bad field otherwise. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, part = 'body'): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new BadRequestException({
    error: 'invalid_request',
    message: `invalid ${part}: ${parsed.error.issues.map((i) => `${i.path.join('.') || part}: ${i.message}`).join('; ')}`,
    issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
