export enum WebhookApiErrorCode {
  InvalidRequest = 'invalid_request',
  NotFound = 'not_found',
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** A request the admin API refuses; WebhookApiErrorFilter turns it into 400/404 with this message. */
export class WebhookApiError extends Error {
  override readonly name = 'WebhookApiError';
  readonly retriable = false;
  constructor(
    readonly code: WebhookApiErrorCode,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static invalid(field: string, message: string): WebhookApiError {
    return new WebhookApiError(WebhookApiErrorCode.InvalidRequest, `${field}: ${message}`, [
      { field, message },
    ]);
  }

  static notFound(what: string): WebhookApiError {
    return new WebhookApiError(WebhookApiErrorCode.NotFound, `${what} not found`);
  }
}
