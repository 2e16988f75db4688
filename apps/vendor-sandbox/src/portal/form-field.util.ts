import type { FastifyRequest } from 'fastify';

/** A string field of a form (urlencoded) or JSON body; undefined when absent or not a string. */
export function formField(request: FastifyRequest, name: string): string | undefined {
  const body = request.body;
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
