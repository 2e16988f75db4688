import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { WorldRuleCode, type WorldRuleError } from '@fieldsync/sandbox-world';

/** ServiceTitan's error body (`ApiErrorResponse` in every v2 spec): ASP.NET problem details. */
export interface ServiceTitanProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly traceId: string;
  /** Field name → messages (empty when the error is not about a field). */
  readonly errors: Readonly<Record<string, readonly string[]>>;
  readonly data: Readonly<Record<string, unknown>>;
}

const TYPES: Readonly<Record<number, string>> = {
  400: 'https://tools.ietf.org/html/rfc7231#section-6.5.1',
  404: 'https://tools.ietf.org/html/rfc7231#section-6.5.4',
  409: 'https://tools.ietf.org/html/rfc7231#section-6.5.8',
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
};
const TITLES: Readonly<Record<number, string>> = {
  400: 'One or more validation errors occurred.',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
};

/** A W3C trace-context id, as ServiceTitan puts in `traceId`. */
function traceId(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
}

export function problem(
  status: number,
  options: {
    title?: string;
    errors?: Record<string, readonly string[]>;
    data?: Record<string, unknown>;
  } = {},
): ServiceTitanProblem {
  return {
    type: TYPES[status] ?? 'about:blank',
    title: options.title ?? TITLES[status] ?? 'Error',
    status,
    traceId: traceId(),
    errors: options.errors ?? {},
    data: options.data ?? {},
  };
}

/** A 400 naming one field (the field name as ServiceTitan spells it in the request). */
export function fieldProblem(field: string, message: string): ServiceTitanProblem {
  return problem(400, { errors: { [field]: [message] } });
}

export function notFound(what: string): ServiceTitanProblem {
  return problem(404, { title: `${what} not found` });
}

export function sendProblem(reply: FastifyReply, body: ServiceTitanProblem): FastifyReply {
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

/** Codes the vendor answers with 409 when the operation declares a 409 (otherwise 400). */
const CONFLICTS = new Set<WorldRuleCode>([
  WorldRuleCode.TechnicianDoubleBooked,
  WorldRuleCode.DuplicateAssignment,
  WorldRuleCode.IllegalTransition,
  WorldRuleCode.JobClosed,
  WorldRuleCode.AppointmentClosed,
]);

/**
 * A world rule refusal as ServiceTitan answers it: a missing record the path names → 404; a conflict →
 * 409 where the operation documents one, else 400; everything else 400 naming the field concerned.
 */
export function ruleProblem(
  error: WorldRuleError,
  options: { has409: boolean; pathEntity?: string; fieldNames?: Readonly<Record<string, string>> },
): ServiceTitanProblem {
  const details = error.details as Record<string, unknown>;
  if (error.code === WorldRuleCode.NotFound && details['entity'] === options.pathEntity) {
    return notFound(String(options.pathEntity));
  }
  const status = CONFLICTS.has(error.code) && options.has409 ? 409 : 400;
  const rawField =
    typeof details['field'] === 'string'
      ? details['field']
      : error.code === WorldRuleCode.TechnicianDoubleBooked ||
          error.code === WorldRuleCode.DuplicateAssignment ||
          error.code === WorldRuleCode.NotATechnician
        ? 'technicianIds'
        : typeof details['entity'] === 'string'
          ? `${details['entity']}Id`
          : '';
  const field = options.fieldNames?.[rawField] ?? rawField;
  return problem(status, {
    title: status === 400 ? undefined : error.message,
    errors: { [field]: [error.message] },
    data: { code: error.code, ...details },
  });
}
