import { AdminTokenGuard } from '@fieldsync/platform';
import { Controller, Get, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { TenantId } from '../api/request.util';
import { WebhookApiErrorFilter } from '../api/webhook-api-error.filter';
import { attemptView, messageView } from './message.mapper';
import { MessagesService } from './messages.service';

/** One message: its payload and attempts, and resending it (same `webhook-id`). Tenant in the path. */
@Controller('tenants/:tenantId/messages')
@UseGuards(AdminTokenGuard)
@UseFilters(WebhookApiErrorFilter)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get(':id')
  async get(@TenantId() tenantId: string, @Param('id') id: string) {
    const { message, attempts } = await this.messages.get(tenantId, id);
    return {
      ...messageView(message),
      payload: parsePayload(message.payload),
      attemptList: attempts.map(attemptView),
    };
  }

  @Get(':id/attempts')
  async attempts(@TenantId() tenantId: string, @Param('id') id: string) {
    return { data: (await this.messages.attempts(tenantId, id)).map(attemptView) };
  }

  @Post(':id/resend')
  @HttpCode(202)
  async resend(@TenantId() tenantId: string, @Param('id') id: string) {
    return messageView(await this.messages.resend(tenantId, id));
  }
}

/** The stored payload is the JSON text delivered; shown parsed (it was JSON when it arrived). */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
