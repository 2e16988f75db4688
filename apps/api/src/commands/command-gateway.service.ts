import { commandResultSchema, type Command, type CommandResult } from '@fieldsync/canonical-model';
import {
  JetStreamPublisher,
  NATS_CONNECTION,
  commandSubject,
  resultSubject,
  withPrefix,
} from '@fieldsync/messaging';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { API_CONFIG } from '../config/config.constants';
import type { ApiConfig } from '../config/api.config';

/**
 * Sends a command to the writer exactly as an integrator does over NATS (FSM_COMMANDS, subject from
 * tenant/connection/type, `Nats-Msg-Id` = command id) and waits, bounded, for its result on
 * `fsm.results.<tenant>.<commandId>`. The result subscription is open before the publish, so a fast result
 * is never missed; `undefined` when the bound passes first (the command goes on; its result reaches
 * `commands` and FSM_RESULTS all the same).
 */
@Injectable()
export class CommandGateway {
  private readonly publisher: JetStreamPublisher;
  private readonly prefix: string;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.prefix = config.FIELDSYNC_STREAM_PREFIX;
    this.publisher = new JetStreamPublisher({ nc, prefix: this.prefix });
  }

  async send(command: Command, waitMs: number): Promise<CommandResult | undefined> {
    const subject = withPrefix(
      resultSubject({ tenantId: command.tenantId, commandId: command.commandId }),
      this.prefix,
    );
    const subscription = this.nc.subscribe(subject, { max: 1 });
    try {
      await this.publisher.publish(commandSubject(command), command, {
        msgId: command.commandId,
        tenantId: command.tenantId,
        connectionId: command.connectionId,
        expectStream: 'commands',
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>(
        (resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)),
      );
      const first = (async () => {
        for await (const message of subscription) {
          const parsed = commandResultSchema.safeParse(message.json());
          if (parsed.success) return parsed.data;
        }
        return undefined;
      })();
      try {
        return await Promise.race([first, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      subscription.unsubscribe();
    }
  }
}
