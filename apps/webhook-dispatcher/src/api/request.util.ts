import { tenantIdSchema } from '@fieldsync/canonical-model';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { z } from 'zod';
import { WebhookApiError, WebhookApiErrorCode } from './webhook-api.error';

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

/**
 * `@TenantId()`: the tenant the request acts for, from the path (`/tenants/:tenantId/…`). The admin API is
 * the operators' (FIELDSYNC_ADMIN_TOKEN); integrators manage their endpoints at the REST API's
 * `/webhook-endpoints`, which takes the tenant from their API key and calls this API for it.
 */
export const TenantId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<{ params?: Record<string, string | undefined> }>();
  const parsed = tenantIdSchema.safeParse(request.params?.['tenantId'] ?? '');
  if (!parsed.success)
    throw WebhookApiError.invalid('tenantId', parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
});
