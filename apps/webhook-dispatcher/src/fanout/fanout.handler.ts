import { eventsFilter, TerminalError, type JetStreamContext } from '@fieldsync/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { eventEnvelopeSchema } from './event-envelope.schema';
import { FanoutWriter } from './fanout.writer';

/** `fsm.events.<tenant>.…`: the tenant token of the subject. */
const SUBJECT_TENANT_INDEX = 2;

/**
 * The durable consumer of FSM_EVENTS (durable `webhook-dispatcher-fanout`): every event becomes one
 * ledger message per endpoint that wants it, then the event is acked. A document that is not a
 * fieldsync CloudEvent, or whose tenant differs from its subject's, goes to FSM_DLQ with the reason.
 */
@Controller()
export class FanoutHandler {
  constructor(private readonly writer: FanoutWriter) {}

  @EventPattern(eventsFilter())
  async onEvent(@Payload() data: unknown, @Ctx() ctx: JetStreamContext): Promise<void> {
    const parsed = eventEnvelopeSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'event';
      throw new TerminalError(`not a fieldsync CloudEvent: ${field}: ${issue?.message ?? 'invalid'}`);
    }
    const subjectTenant = ctx.getSubject().split('.')[SUBJECT_TENANT_INDEX];
    if (subjectTenant !== parsed.data.tenantid) {
      throw new TerminalError(
        `tenantid ${parsed.data.tenantid} does not match the subject's tenant ${subjectTenant ?? '(none)'}`,
      );
    }
    await this.writer.write({
      envelope: parsed.data,
      body: Buffer.from(ctx.getMessage().data).toString('utf8'),
      streamSequence: ctx.getStreamSequence(),
    });
  }
}
