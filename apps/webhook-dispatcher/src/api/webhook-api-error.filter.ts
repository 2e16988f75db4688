import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { WebhookApiError, WebhookApiErrorCode } from './webhook-api.error';

const STATUS: Record<WebhookApiErrorCode, number> = {
  [WebhookApiErrorCode.InvalidRequest]: 400,
  [WebhookApiErrorCode.NotFound]: 404,
};

/** `{ statusCode, error, message, issues? }` for refused admin requests. */
@Catch(WebhookApiError)
export class WebhookApiErrorFilter implements ExceptionFilter<WebhookApiError> {
  catch(error: WebhookApiError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const statusCode = STATUS[error.code];
    void reply.status(statusCode).send({
      statusCode,
      error: error.code,
      message: error.message,
      ...(error.issues.length > 0 ? { issues: error.issues } : {}),
    });
  }
}
