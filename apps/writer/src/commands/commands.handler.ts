import { commandsFilter, RetriableError, TerminalError, type JetStreamContext } from '@fieldsync/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CommandResult } from '@fieldsync/canonical-model';
import { takeCommand } from './command-intake.util';
import { CommandExecutor } from './command-executor';
import { ExecutionSlots } from './execution-slots';
import { KeyedQueue, orderingKey } from './keyed-queue';
import { WriterMetrics } from './writer.metrics';
import {
  RESULT_PUBLISHER,
  WRITER_CONSUMER,
  WriterShutdown,
  type WriterConsumerSettings,
} from './writer.constants';

/**
 * The durable consumer of FSM_COMMANDS (durable `writer-commands`, raw bytes). A malformed command is
 * answered at once with a `rejected` result naming the field and acked (never retried, the consumer
 * goes on); a valid one runs in its entity's queue (commands for the same entity in order) through
 * the CommandExecutor. A command that cannot even be addressed (no command id anywhere) goes to FSM_DLQ.
 */
@Controller()
export class CommandsHandler {
  private readonly queue = new KeyedQueue();
  private readonly slots: ExecutionSlots;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly metrics: WriterMetrics,
    @Inject(RESULT_PUBLISHER)
    private readonly publishResult: (tenantId: string, result: CommandResult) => Promise<void>,
    @Inject(WRITER_CONSUMER) private readonly consumer: WriterConsumerSettings,
    private readonly shutdown: WriterShutdown,
  ) {
    this.slots = new ExecutionSlots(consumer.concurrency, consumer.connectionConcurrency);
  }

  @EventPattern(commandsFilter())
  async onCommand(@Payload() data: Uint8Array | undefined, @Ctx() ctx: JetStreamContext): Promise<void> {
    const intake = takeCommand(data, {
      subject: ctx.getSubject(),
      msgId: ctx.getMessageId(),
      now: new Date(),
    });
    if (!intake.ok) {
      ctx.getLogger().warn({ reason: intake.reason }, 'malformed command rejected');
      if (intake.result === undefined || intake.tenantId === undefined) {
        throw new TerminalError(`malformed command without a command id to answer: ${intake.reason}`);
      }
      await this.publishResult(intake.tenantId, intake.result);
      this.metrics.completed(null, intake.result.type ?? 'unknown', 'rejected', 0, 0);
      return;
    }
    const command = intake.command;
    // Its entity's commands first (in the order received), then a slot of its connection and of the
    // replica: waiting costs a pending message, not an execution slot another connection could use.
    const disposition = await this.queue.run(orderingKey(command), () =>
      this.slots.run(command.connectionId, () =>
        this.executor.execute(command, {
          deliveryCount: ctx.getDeliveryCount(),
          maxDeliver: this.consumer.maxDeliver,
          signal: this.shutdown.signal,
        }),
      ),
    );
    switch (disposition.kind) {
      case 'ack':
        return;
      case 'nak':
        throw new RetriableError(disposition.reason, { delayMs: disposition.delayMs });
      case 'dead_letter':
        throw new TerminalError(disposition.reason);
    }
  }
}
