import type { components } from '../generated/openapi.types';

export type Problem = components['schemas']['Problem'];
export type ProblemCode = Problem['code'];
/** One offending field of a refused request (`query.status`, `body.lineItems.0.unitPrice`, `header.authorization` …). */
export type FieldError = NonNullable<Problem['errors']>[number];

/**
 * A request the API answered with an error: the RFC 9457 problem details it sent (status, code, the fields
 * at fault, the request id to quote to support). An answer that is not a problem document (a proxy's HTML
 * 502, say) still becomes one: code `http_<status>`, the body's first 200 characters as detail.
 */
export class FieldsyncApiError extends Error {
  override readonly name = 'FieldsyncApiError';
  readonly status: number;
  readonly code: ProblemCode | `http_${number}`;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldError[];
  /** `X-Request-Id` of the answer (also the problem's `instance`). */
  readonly requestId: string | undefined;
  /** Seconds the API asked to wait (`Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** The operation that failed, `GET /jobs`. */
  readonly operation: string;
  /** A write whose command failed: the command, its result error code and whether retrying may help. */
  readonly commandId: string | undefined;
  readonly commandError: string | undefined;
  readonly retriable: boolean | undefined;

  constructor(p: {
    status: number;
    code: ProblemCode | `http_${number}`;
    title: string;
    detail: string;
    errors?: readonly FieldError[];
    requestId?: string | undefined;
    retryAfterSeconds?: number | undefined;
    operation: string;
    commandId?: string | undefined;
    commandError?: string | undefined;
    retriable?: boolean | undefined;
  }) {
    const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.message}`);
    super(
      `${p.operation} answered ${p.status} ${p.code}: ${p.detail}${fields.length > 0 ? ` (${fields.join('; ')})` : ''}`,
    );
    this.status = p.status;
    this.code = p.code;
    this.title = p.title;
    this.detail = p.detail;
    this.errors = p.errors ?? [];
    this.requestId = p.requestId;
    this.retryAfterSeconds = p.retryAfterSeconds;
    this.operation = p.operation;
    this.commandId = p.commandId;
    this.commandError = p.commandError;
    this.retriable = p.retriable;
  }

  /** The fields named by the problem (`body.scheduledStart` …). */
  get fields(): string[] {
    return this.errors.map((e) => e.field);
  }
}

/** The API could not be reached (refused, reset, timed out) after the retries the request allowed. */
export class FieldsyncNetworkError extends Error {
  override readonly name = 'FieldsyncNetworkError';

  constructor(
    readonly operation: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `${operation} failed after ${attempts} attempt(s): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Problem).status === 'number' &&
  typeof (value as Problem).code === 'string';

/** The error of a non-2xx answer, from its problem document when it sent one. */
export function apiErrorFrom(p: {
  operation: string;
  status: number;
  headers: Headers;
  bodyText: string;
  retryAfterSeconds: number | undefined;
}): FieldsyncApiError {
  const requestId = p.headers.get('x-request-id') ?? undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(p.bodyText);
  } catch {
    parsed = undefined;
  }
  if (isProblem(parsed)) {
    // a failed command's problem carries its command too (beside the RFC 9457 members)
    const extra = parsed as Problem & { commandId?: unknown; commandError?: unknown; retriable?: unknown };
    return new FieldsyncApiError({
      commandId: typeof extra.commandId === 'string' ? extra.commandId : undefined,
      commandError: typeof extra.commandError === 'string' ? extra.commandError : undefined,
      retriable: typeof extra.retriable === 'boolean' ? extra.retriable : undefined,
      operation: p.operation,
      status: p.status,
      code: parsed.code,
      title: parsed.title,
      detail: parsed.detail,
      errors: parsed.errors,
      requestId: requestId ?? parsed.instance,
      retryAfterSeconds: p.retryAfterSeconds,
    });
  }
  return new FieldsyncApiError({
    operation: p.operation,
    status: p.status,
    code: `http_${p.status}`,
    title: `HTTP ${p.status}`,
    detail: p.bodyText.slice(0, 200) || '(empty body)',
    requestId,
    retryAfterSeconds: p.retryAfterSeconds,
  });
}
