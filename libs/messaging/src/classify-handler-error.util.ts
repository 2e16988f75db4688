import { isHandlerFailure, RetriableError, TerminalError } from './messaging.error';

/** What a handler failure means for its message: try again (maybe after a delay), or park it. */
export type ClassifiedFailure =
  { outcome: 'retriable'; reason: string; delayMs?: number } | { outcome: 'terminal'; reason: string };

/** Classifies a handler failure (original error, or what Nest's RPC exception filter made of it). */
export function classifyHandlerError(err: unknown): ClassifiedFailure {
  if (err instanceof TerminalError) return { outcome: 'terminal', reason: err.message };
  if (err instanceof RetriableError) {
    return err.delayMs === undefined
      ? { outcome: 'retriable', reason: err.message }
      : { outcome: 'retriable', reason: err.message, delayMs: err.delayMs };
  }
  if (isHandlerFailure(err)) {
    return err.outcome === 'terminal'
      ? { outcome: 'terminal', reason: err.message }
      : err.delayMs === undefined
        ? { outcome: 'retriable', reason: err.message }
        : { outcome: 'retriable', reason: err.message, delayMs: err.delayMs };
  }
  if (err instanceof Error && (err.name === 'ZodError' || err.name === '$ZodError')) {
    return { outcome: 'terminal', reason: `invalid payload: ${err.message}` };
  }
  if (err instanceof SyntaxError) return { outcome: 'terminal', reason: `malformed payload: ${err.message}` };
  const message =
    err instanceof Error
      ? err.message
      : typeof err === 'object' && err !== null && 'message' in err
        ? String(err.message)
        : String(err);
  return { outcome: 'retriable', reason: message };
}
