import type { ChangeEvent, OperationalEvent } from '@fieldsync/canonical-model';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsSdkOptions } from './commands';
import { eventFilters, streamNames, subjectToken } from './subjects.util';

/** What FSM_EVENTS carries: CloudEvents 1.0 change events and the platform's operational events. */
export type FieldsyncEvent = ChangeEvent | OperationalEvent;

export interface ReceivedEvent {
  readonly event: FieldsyncEvent;
  /** Its FSM_EVENTS stream sequence: keep it, and resume with `after` = the last one you handled. */
  readonly sequence: number;
  readonly subject: string;
  /**
   * Acknowledge now. The iterator acknowledges an event anyway when you ask for the next one; an event your
   * loop did not get through (a crash, or a `break` before `ack()`) is delivered again to a durable consumer.
   */
  ack(): void;
}

export interface SubscribeEventsOptions extends NatsSdkOptions {
  /** Only this tenant's events (integrator users may read only their own tenant's subjects). */
  readonly tenantId?: string;
  /** Event types or namespaces: `job.created`, `invoice.paid`, `job.*`. Absent: every event. */
  readonly types?: readonly string[];
  /** Only this connection's events (checked on each event's `connectionid`). */
  readonly connectionId?: string;
  /** Resume after this stream sequence (the last `sequence` you handled). */
  readonly after?: number;
  /** Where a subscription without `after` (nor a durable position) starts: `new` (default) or `all` the stream holds. */
  readonly from?: 'new' | 'all';
  /**
   * A durable consumer of this name keeps the position on the server (created on first use, acknowledged
   * explicitly): a later subscription with the same name resumes where the last acknowledged event left off.
   */
  readonly durableName?: string;
  readonly signal?: AbortSignal;
}

async function durableMessages(
  nc: NatsConnection,
  options: SubscribeEventsOptions,
  stream: string,
  durable: string,
  filters: string[],
): Promise<ConsumerMessages> {
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.consumers.info(stream, durable).catch(() => undefined);
  if (existing === undefined) {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subjects: filters,
      ack_policy: AckPolicy.Explicit,
      ...(options.after !== undefined
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.after + 1 }
        : { deliver_policy: options.from === 'all' ? DeliverPolicy.All : DeliverPolicy.New }),
    });
  } else {
    const had = [...(existing.config.filter_subjects ?? [])].sort().join(' ');
    if (had !== [...filters].sort().join(' ')) {
      throw new TypeError(
        `durable consumer ${durable} filters ${had || existing.config.filter_subject || '(none)'}, not ${filters.join(' ')}: use another durableName for other types`,
      );
    }
  }
  return (await (options.js ?? jetstream(nc)).consumers.get(stream, durable)).consume({ max_messages: 64 });
}

/**
 * The events of FSM_EVENTS as an async iterator, filtered by tenant, types and connection, resumable: by the
 * stream sequence you keep (`after`), or by a durable consumer (`durableName`) that keeps it on the server.
 * Break out of the loop (or abort `signal`) to stop.
 */
export async function* subscribeEvents(
  nc: NatsConnection,
  options: SubscribeEventsOptions = {},
): AsyncGenerator<ReceivedEvent, void, undefined> {
  if (options.after !== undefined && (!Number.isSafeInteger(options.after) || options.after < 0)) {
    throw new TypeError(`after must be a stream sequence (a whole number ≥ 0), got ${options.after}`);
  }
  if (options.durableName !== undefined) subjectToken(options.durableName, 'durableName');
  const prefix = options.prefix ?? '';
  const stream = streamNames(prefix).events;
  const filters = eventFilters(options, prefix);
  const messages =
    options.durableName !== undefined
      ? await durableMessages(nc, options, stream, options.durableName, filters)
      : await (
          await (options.js ?? jetstream(nc)).consumers.get(stream, {
            filter_subjects: filters,
            ...(options.after !== undefined
              ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.after + 1 }
              : { deliver_policy: options.from === 'all' ? DeliverPolicy.All : DeliverPolicy.New }),
          })
        ).consume({ max_messages: 64 });
  const onAbort = (): void => void messages.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const message of messages) {
      const event = message.json<FieldsyncEvent>();
      if (
        options.connectionId !== undefined &&
        (event as { connectionid?: string }).connectionid !== options.connectionId
      ) {
        message.ack();
        continue;
      }
      let acked = false;
      const ack = (): void => {
        if (!acked) message.ack();
        acked = true;
      };
      yield { event, sequence: message.seq, subject: message.subject, ack };
      // the caller asked for the next event: this one is handled
      ack();
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await messages.close();
  }
}
