import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  Post,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { describeIssues, inboundJsonMessageSchema, twilioSmsWebhookSchema } from './mfa-inbound.schema';
import { MfaRelayError } from './mfa.error';
import { MfaRelayService } from './mfa-relay.service';
import { MfaRelayTokenGuard } from './mfa-relay-token.guard';

/**
 * Where SMS and e-mail providers deliver the codes vendors send: JSON `{ channel, to, from?, body,
 * receivedAt?, messageId? }`, or Twilio's incoming-SMS webhook (form-encoded `To`, `From`, `Body`,
 * `MessageSid`; Nest's Fastify adapter parses form bodies itself). Answers 202 `{ id }`: never the body
 * or the code back. Request logs carry no body; the Authorization header is redacted.
 */
@Controller('mfa')
@UseGuards(MfaRelayTokenGuard)
export class MfaInboundController {
  constructor(@Inject(MfaRelayService) private readonly relay: MfaRelayService) {}

  @Post('inbound')
  @HttpCode(202)
  async inbound(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
  ): Promise<{ id: string }> {
    const form = (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
    const parsed = (form ? twilioSmsWebhookSchema : inboundJsonMessageSchema).safeParse(body ?? {});
    if (!parsed.success) {
      throw new BadRequestException({ error: 'invalid_request', ...describeIssues(parsed.error) });
    }
    try {
      return await this.relay.ingest(parsed.data, 'relay');
    } catch (error) {
      if (!(error instanceof MfaRelayError)) throw error;
      throw new UnprocessableEntityException({
        error: error.code,
        field: form && error.field === 'body' ? 'Body' : error.field,
        message: error.message,
      });
    }
  }
}
