import { tenantIdSchema } from '@fieldsync/canonical-model';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { z } from 'zod';
import { WebhookApiError, WebhookApiErrorCode } from './webhook-api.error';

/** The header that scopes every admin request to one tenant (until API keys carry the tenant). */
export const TENANT_HEADER = 'fieldsync-tenant-id';

/** Parses a body or query with its schema; a refusal names every bad field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : 'body',
    message: issue.message,
  }));
  throw new WebhookApiError(
    WebhookApiErrorCode.InvalidRequest,
    issues.map((i) => `${i.field}: ${i.message}`).join('; '),
    issues,
  );
}

/** `@TenantId()`: the tenant of the request, from the `fieldsync-tenant-id` header (required). */
export const TenantId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  const value = request.headers[TENANT_HEADER];
  if (typeof value !== 'string' || value.length === 0) {
    throw WebhookApiError.invalid(TENANT_HEADER, 'header is required: the tenant the request acts for');
  }
  const parsed = tenantIdSchema.safeParse(value);
  if (!parsed.success)
    throw WebhookApiError.invalid(TENANT_HEADER, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
});
