import type { ChangeEvent, OperationalEvent } from '@fieldsync/canonical-model';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsSdkOptions } from './commands';
import { eventFilters, streamNames, subjectMatches, subjectToken } from './subjects.util';

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
  readonly ack: () => void;
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
  filter: string,
): Promise<MessageSource> {
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.consumers.info(stream, durable).catch(() => undefined);
  if (existing === undefined) {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      ...(options.after !== undefined
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.after + 1 }
        : { deliver_policy: options.from === 'all' ? DeliverPolicy.All : DeliverPolicy.New }),
    });
  } else {
    const had = existing.config.filter_subject ?? existing.config.filter_subjects?.join(' ') ?? '(none)';
    if (had !== filter) {
      throw new TypeError(
        `durable consumer ${durable} filters ${had}, not ${filter}: use another durableName for other types`,
      );
    }
  }
  const consumer = await (options.js ?? jetstream(nc)).consumers.get(stream, durable);
  let open = true;
  // One message per request, when the loop asks: nothing sits pulled but unhandled in this process, which a
  // resumed subscription would otherwise see only after the consumer's ack wait.
  async function* pull(): AsyncGenerator<JsMsg, void, undefined> {
    while (open) {
      const message = await consumer.next({ expires: 1_000 });
      if (message !== null) yield message;
    }
  }
  return {
    messages: pull(),
    close: async () => {
      open = false;
      await nc.flush(); // the server has every acknowledgement before a resumed subscription asks
    },
  };
}

interface MessageSource {
  readonly messages: AsyncIterable<JsMsg>;
  close(): Promise<void>;
}

const ordered = (messages: ConsumerMessages): MessageSource => ({
  messages,
  close: async () => void (await messages.close()),
});

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
  // One consumer filter: several types share the tenant's filter and are told apart here (a consumer with
  // several filter subjects needs nats-server 2.10; this works on any JetStream server).
  const filters = eventFilters(options, prefix);
  const [only] = filters;
  const serverFilter =
    filters.length === 1 && only !== undefined
      ? only
      : (eventFilters({ tenantId: options.tenantId }, prefix)[0] ?? '');
  const wanted = (subject: string): boolean => filters.some((filter) => subjectMatches(filter, subject));
  const source =
    options.durableName !== undefined
      ? await durableMessages(nc, options, stream, options.durableName, serverFilter)
      : ordered(
          await (
            await (options.js ?? jetstream(nc)).consumers.get(stream, {
              filter_subjects: serverFilter,
              ...(options.after !== undefined
                ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.after + 1 }
                : { deliver_policy: options.from === 'all' ? DeliverPolicy.All : DeliverPolicy.New }),
            })
          ).consume({ max_messages: 64 }),
        );
  const onAbort = (): void => void source.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const message of source.messages) {
      if (!wanted(message.subject)) {
        message.ack();
        continue;
      }
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
    await source.close();
  }
}
