import type { IncomingHttpHeaders } from 'node:http';
import { createUlidFactory } from '@fieldsync/canonical-model';

/** The header a caller may send its own request id in, and that every response carries. */
export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTED = /^[A-Za-z0-9._:-]{8,128}$/;
const ulid = createUlidFactory();

/**
 * Fastify's `genReqId`: the caller's `X-Request-Id` when it is a plain token of 8–128 characters,
 * else `req_` + a ULID. Fastify gives it to every log line of the request (pino-http) and the api echoes it.
 */
export function requestIdOf(request: { headers: IncomingHttpHeaders }): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  return typeof offered === 'string' && ACCEPTED.test(offered) ? offered : `req_${ulid()}`;
}
