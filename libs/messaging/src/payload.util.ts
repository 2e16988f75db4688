import type { z } from 'zod';
import { TerminalError } from './messaging.error';

/**
 * Validates a message payload; a mismatch is a TerminalError naming the fields (goes to the DLQ
 * at once, never retried), whether or not JetStreamExceptionFilter is registered.
 */
export function parsePayload<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  throw new TerminalError(`invalid payload: ${detail}`, { code: 'invalid_payload', cause: parsed.error });
}
