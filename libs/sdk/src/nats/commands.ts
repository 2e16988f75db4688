import {
  commandResultSchema,
  type commandSchema,
  newCommandId,
  parseCommand,
  type Command,
  type CommandIssue,
  type CommandResult,
  type CommandType,
} from '@fieldsync/canonical-model';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { z } from 'zod';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { commandSubject, resultSubject, streamNames } from './subjects.util';

type CommandInput = z.input<typeof commandSchema>;

/**
 * A command to send, as its schema accepts it (defaults such as `allowOverlap: false` may be left out);
 * `commandId` (cmd_ + ULID) and `requestedAt` (now) are filled in when absent.
 */
export type CommandDraft = {
  [T in CommandType]: Omit<Extract<CommandInput, { type: T }>, 'commandId' | 'requestedAt'> & {
    commandId?: string;
    requestedAt?: string;
  };
}[CommandType];

export interface NatsSdkOptions {
  /** The deployment's FIELDSYNC_STREAM_PREFIX ('' in production, the default). */
  readonly prefix?: string;
  /** A JetStream client of your own (domain, API prefix); default `jetstream(nc)`. */
  readonly js?: JetStreamClient;
}

/** A command that does not fit the command schema: each offending field, by path. */
export class FieldsyncCommandError extends Error {
  override readonly name = 'FieldsyncCommandError';
  constructor(readonly issues: readonly CommandIssue[]) {
    super(`invalid command: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  }
}

/** No result arrived for the command within the bound. */
export class FieldsyncResultTimeoutError extends Error {
  override readonly name = 'FieldsyncResultTimeoutError';
  constructor(
    readonly commandId: string,
    readonly timeoutMs: number,
  ) {
    super(
      `no result for command ${commandId} within ${timeoutMs} ms (the command may still run: await it again)`,
    );
  }
}

export interface PublishedCommand {
  readonly command: Command;
  readonly subject: string;
  /** Its sequence in FSM_COMMANDS. */
  readonly seq: number;
  /** JetStream had it already (same commandId within the dedup window): not queued twice. */
  readonly duplicate: boolean;
}

/**
 * Validates a command against the canonical schema (throwing a `FieldsyncCommandError` naming every bad
 * field) and publishes it to FSM_COMMANDS on `fsm.commands.<tenant>.<connection>.<type>` with
 * `Nats-Msg-Id` = commandId, so a re-send of the same command is dropped by JetStream; the writer keeps the
 * idempotency key beyond that window.
 */
export async function publishCommand(
  nc: NatsConnection,
  draft: CommandDraft,
  options: NatsSdkOptions & { timeoutMs?: number } = {},
): Promise<PublishedCommand> {
  const parsed = parseCommand({
    ...draft,
    commandId: draft.commandId ?? newCommandId(),
    requestedAt: draft.requestedAt ?? new Date().toISOString(),
  });
  if (!parsed.ok) throw new FieldsyncCommandError(parsed.issues);
  const command = parsed.command;
  const prefix = options.prefix ?? '';
  const subject = commandSubject(command, prefix);
  const h = headers();
  h.set('Nats-Msg-Id', command.commandId);
  h.set('content-type', 'application/json');
  h.set('fsm-tenant-id', command.tenantId);
  h.set('fsm-connection-id', command.connectionId);
  h.set('fsm-command-id', command.commandId);
  const ack = await (options.js ?? jetstream(nc)).publish(subject, JSON.stringify(command), {
    msgID: command.commandId,
    headers: h,
    expect: { streamName: streamNames(prefix).commands },
    timeout: options.timeoutMs ?? 5_000,
  });
  return { command, subject, seq: ack.seq, duplicate: ack.duplicate };
}

/**
 * The result of a command, read from FSM_RESULTS (`fsm.results.<tenant>.<commandId>`): a result published
 * before the call is found as well as one that comes later. Throws `FieldsyncResultTimeoutError` after
 * `timeoutMs`. `tenantId` narrows the subject (integrator users may only read their own tenant's).
 */
export async function awaitResult(
  nc: NatsConnection,
  commandId: string,
  options: NatsSdkOptions & { timeoutMs: number; tenantId?: string },
): Promise<CommandResult> {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new TypeError(`timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`);
  }
  const prefix = options.prefix ?? '';
  const js = options.js ?? jetstream(nc);
  const consumer = await js.consumers.get(streamNames(prefix).results, {
    filter_subjects: resultSubject({ tenantId: options.tenantId, commandId }, prefix),
  });
  const messages = await consumer.consume({ max_messages: 8 });
  const timer = setTimeout(() => void messages.close(), options.timeoutMs);
  try {
    for await (const message of messages) {
      const parsed = commandResultSchema.safeParse(message.json());
      if (parsed.success && parsed.data.commandId === commandId) return parsed.data;
    }
  } finally {
    clearTimeout(timer);
    await messages.close();
  }
  throw new FieldsyncResultTimeoutError(commandId, options.timeoutMs);
}
