/** One field a request got wrong: `field` is the dotted path inside its part (`query.pageSize`, `body.scopes.0`). */
export interface ProblemField {
  readonly field: string;
  readonly message: string;
}

/** The kinds of refusal the api answers, each with its status and RFC 9457 title. */
export enum ProblemCode {
  InvalidRequest = 'invalid_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  MethodNotAllowed = 'method_not_allowed',
  Conflict = 'conflict',
  Unprocessable = 'unprocessable',
  RateLimited = 'rate_limited',
  VendorUnavailable = 'vendor_unavailable',
  VendorTimeout = 'vendor_timeout',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  Unavailable = 'unavailable',
  Internal = 'internal',
}

export const PROBLEM_STATUS: Record<ProblemCode, { status: number; title: string }> = {
  [ProblemCode.InvalidRequest]: { status: 400, title: 'The request is invalid' },
  [ProblemCode.Unauthorized]: { status: 401, title: 'Authentication required' },
  [ProblemCode.Forbidden]: { status: 403, title: 'Not allowed' },
  [ProblemCode.NotFound]: { status: 404, title: 'Not found' },
  [ProblemCode.MethodNotAllowed]: { status: 405, title: 'Method not allowed' },
  [ProblemCode.Conflict]: { status: 409, title: 'Conflict' },
  [ProblemCode.Unprocessable]: { status: 422, title: 'The request cannot be carried out' },
  [ProblemCode.RateLimited]: { status: 429, title: 'Too many requests' },
  [ProblemCode.VendorUnavailable]: { status: 502, title: 'The vendor could not be reached' },
  [ProblemCode.VendorTimeout]: { status: 504, title: 'The vendor did not answer in time' },
  [ProblemCode.PayloadTooLarge]: { status: 413, title: 'Payload too large' },
  [ProblemCode.UnsupportedMediaType]: { status: 415, title: 'Unsupported media type' },
  [ProblemCode.Unavailable]: { status: 503, title: 'Service unavailable' },
  [ProblemCode.Internal]: { status: 500, title: 'Internal error' },
};

/**
 * A refusal the api answers as RFC 9457 problem details (`application/problem+json`). Thrown only by
 * controllers, guards and the request parsers; the problem filter renders it.
 */
export class ApiProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors: readonly ProblemField[] = [],
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }

  get status(): number {
    return PROBLEM_STATUS[this.code].status;
  }

  static notFound(what: string): ApiProblem {
    return new ApiProblem(ProblemCode.NotFound, `${what} not found`);
  }
}
