import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { ApiProblem, PROBLEM_STATUS, ProblemCode, type ProblemField } from './problem.error';

/** The media type of every error body. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The RFC 9457 body: `type` is a stable URN per code, `instance` the request id. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  errors?: ProblemField[];
}

function fromHttpStatus(status: number): ProblemCode {
  switch (status) {
    case 401:
      return ProblemCode.Unauthorized;
    case 403:
      return ProblemCode.Forbidden;
    case 404:
      return ProblemCode.NotFound;
    case 405:
      return ProblemCode.MethodNotAllowed;
    case 413:
      return ProblemCode.PayloadTooLarge;
    case 415:
      return ProblemCode.UnsupportedMediaType;
    default:
      return status >= 400 && status < 500 ? ProblemCode.InvalidRequest : ProblemCode.Internal;
  }
}

/** Fastify's own refusals (malformed JSON, wrong content type, body too large) carry a 4xx `statusCode`. */
function fastifyClientError(error: unknown): { status: number; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, code, message } = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  return { status: statusCode, message: typeof message === 'string' ? message : code };
}

/**
 * Every error of the api as RFC 9457 problem details naming the field: ApiProblem as thrown, Nest's HTTP
 * exceptions (unknown route ...) and Fastify's body refusals mapped by status, anything else a 500 whose
 * body says only "internal error" and the request id (the stack goes to the log, never to the caller).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(ProblemFilter.name);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.problemOf(error, request);
    if (body.status >= 500) this.logger.error({ err: error, requestId: request.id }, 'request failed');
    void reply
      .status(body.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .header('x-request-id', request.id)
      .send(body);
  }

  private problemOf(error: unknown, request: FastifyRequest): ProblemBody {
    const make = (code: ProblemCode, detail: string, errors: readonly ProblemField[] = []): ProblemBody => ({
      type: `urn:fieldsync:problem:${code}`,
      title: PROBLEM_STATUS[code].title,
      status: PROBLEM_STATUS[code].status,
      detail,
      instance: request.id,
      code,
      ...(errors.length > 0 ? { errors: [...errors] } : {}),
    });
    if (error instanceof ApiProblem) return make(error.code, error.detail, error.errors);
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = fromHttpStatus(status);
      const detail =
        status === 404 ? `no route ${request.method} ${request.url.split('?')[0] ?? ''}` : error.message;
      if (code === ProblemCode.Internal) return make(code, 'internal error');
      // Nest/Fastify's own 400/413/415 are refusals of the body (empty or malformed JSON, size, media type)
      const aboutBody = [400, 413, 415].includes(status);
      return make(code, detail, aboutBody ? [{ field: 'body', message: error.message }] : []);
    }
    const client = fastifyClientError(error);
    if (client) {
      const code = fromHttpStatus(client.status);
      return make(code, client.message, [{ field: 'body', message: client.message }]);
    }
    return make(ProblemCode.Internal, 'internal error');
  }
}
