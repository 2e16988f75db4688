import { JetStreamPublisher, NATS_CONNECTION } from '@fieldsync/messaging';
import { DATABASE, type DB } from '@fieldsync/persistence';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WEBHOOK_DISPATCHER_CONFIG } from '../config/config.constants';
import type { WebhookDispatcherConfig } from '../config/webhook-dispatcher.config';
import { OperationalOutboxRepository } from './operational-outbox.repository';

const BATCH = 100;
/** Safety net for events written by another replica or left by a failed publish. */
const SWEEP_INTERVAL_MS = 2_000;

/**
 * Publishes the operational outbox to FSM_EVENTS (`Nats-Msg-Id` = event id, so a re-publish after a
 * crash is dropped by JetStream), then marks the rows. Runs when the completion writer queued events
 * and every couple of seconds.
 */
@Injectable()
export class OperationalEventRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly publisher: JetStreamPublisher;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly outbox: OperationalOutboxRepository,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(WEBHOOK_DISPATCHER_CONFIG) config: Pick<WebhookDispatcherConfig, 'FIELDSYNC_STREAM_PREFIX'>,
    @InjectPinoLogger(OperationalEventRelay.name) private readonly logger: PinoLogger,
  ) {
    this.publisher = new JetStreamPublisher({ nc, prefix: config.FIELDSYNC_STREAM_PREFIX });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), SWEEP_INTERVAL_MS);
    this.timer.unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Publishes what is waiting (coalesced: a kick during a run makes the run go once more). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) this.kick();
    });
  }

  private async drain(): Promise<void> {
    try {
      let published: number;
      do {
        this.again = false;
        published = await this.publishBatch();
      } while (published === BATCH || this.again);
    } catch (err) {
      this.again = false;
      this.logger.warn({ err }, 'publishing operational events failed; retrying on the next sweep');
    }
  }

  private async publishBatch(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const events = await this.outbox.lockUnpublished(trx, BATCH);
      for (const event of events) {
        await this.publisher.publish(event.subject, event.payload, {
          msgId: event.id,
          tenantId: event.tenantId,
          expectStream: 'events',
        });
      }
      await this.outbox.markPublished(
        trx,
        events.map((e) => e.id),
      );
      return events.length;
    });
  }
}
