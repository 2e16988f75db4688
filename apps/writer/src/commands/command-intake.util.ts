import { createHash } from 'node:crypto';
import {
  commandIdSchema,
  commandResultSchema,
  commandTypeSchema,
  parseCommand,
  stringifyCanonical,
  validationRejection,
  type Command,
  type CommandIssue,
  type CommandResult,
} from '@fieldsync/canonical-model';

/** `fsm.commands.<tenant>.<connection>.<type...>` (the type's dots are tokens too: `job.status.update`). */
const SUBJECT_TENANT = 2;
const SUBJECT_CONNECTION = 3;
const SUBJECT_TYPE = 4;

export type Intake =
  | { readonly ok: true; readonly command: Command }
  | {
      readonly ok: false;
      /** The `rejected` result to publish; undefined when the command cannot even be addressed. */
      readonly result: CommandResult | undefined;
      /** Where the result goes (the subject's tenant). */
      readonly tenantId: string | undefined;
      readonly reason: string;
    };

/** The subject's tokens as the command envelope must repeat them. */
export function subjectParts(subject: string): { tenantId?: string; connectionId?: string; type?: string } {
  const tokens = subject.split('.');
  const type = tokens.slice(SUBJECT_TYPE).join('.');
  return {
    ...(tokens[SUBJECT_TENANT] ? { tenantId: tokens[SUBJECT_TENANT] } : {}),
    ...(tokens[SUBJECT_CONNECTION] ? { connectionId: tokens[SUBJECT_CONNECTION] } : {}),
    ...(type ? { type } : {}),
  };
}

/**
 * Bytes of an FSM_COMMANDS message → a valid command, or the `rejected` result naming the first
 * offending field (every field in `error.issues`). Never throws: a malformed command is answered once
 * and never retried. The envelope must agree with its subject and with `Nats-Msg-Id`, so a command
 * cannot be routed under another tenant's subject.
 */
export function takeCommand(
  data: Uint8Array | undefined,
  meta: { subject: string; msgId: string | undefined; now: Date },
): Intake {
  const parts = subjectParts(meta.subject);
  const headerId = commandIdSchema.safeParse(meta.msgId);
  const reject = (
    issues: CommandIssue[],
    ids: { commandId?: string | undefined; idempotencyKey?: string | undefined; type?: unknown },
  ): Intake => {
    const commandId = ids.commandId ?? (headerId.success ? headerId.data : undefined);
    const reason = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    if (commandId === undefined || parts.tenantId === undefined) {
      return { ok: false, result: undefined, tenantId: parts.tenantId, reason };
    }
    const type = commandTypeSchema.safeParse(ids.type ?? parts.type);
    return {
      ok: false,
      tenantId: parts.tenantId,
      reason,
      result: validationRejection({
        commandId,
        // A command without a usable key is answered under its command id.
        idempotencyKey: ids.idempotencyKey ?? commandId,
        type: type.success ? type.data : null,
        issues,
        completedAt: meta.now.toISOString(),
      }),
    };
  };

  let input: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data ?? new Uint8Array());
    input = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return reject(
      [{ field: '(root)', message: `the message is not JSON: ${message}`, code: 'invalid_json' }],
      {},
    );
  }
  const parsed = parseCommand(input);
  if (!parsed.ok) {
    const rawType =
      input !== null && typeof input === 'object' ? (input as Record<string, unknown>)['type'] : undefined;
    return reject(parsed.issues, {
      commandId: parsed.commandId,
      idempotencyKey: parsed.idempotencyKey,
      type: rawType,
    });
  }
  const command = parsed.command;
  const mismatches: CommandIssue[] = [];
  const expect = (field: 'tenantId' | 'connectionId' | 'type', subjectValue: string | undefined) => {
    if (subjectValue !== command[field]) {
      mismatches.push({
        field,
        message: `${field} ${JSON.stringify(command[field])} does not match the subject's ${JSON.stringify(subjectValue ?? null)}`,
        code: 'subject_mismatch',
      });
    }
  };
  expect('tenantId', parts.tenantId);
  expect('connectionId', parts.connectionId);
  expect('type', parts.type);
  if (meta.msgId !== undefined && meta.msgId !== command.commandId) {
    mismatches.push({
      field: 'commandId',
      message: `commandId does not match the Nats-Msg-Id header ${JSON.stringify(meta.msgId)}`,
      code: 'msg_id_mismatch',
    });
  }
  if (mismatches.length > 0) {
    return reject(mismatches, {
      commandId: command.commandId,
      idempotencyKey: command.idempotencyKey,
      type: command.type,
    });
  }
  return { ok: true, command };
}

/**
 * The request's fingerprint under its idempotency key: SHA-256 of the canonical JSON (sorted keys) of
 * what the command asks for (type, connection, payload). The command id and `requestedAt` differ between
 * retries of one request and are left out.
 */
export function requestFingerprint(command: Command): string {
  const canonical = stringifyCanonical(
    { type: command.type, connectionId: command.connectionId, payload: command.payload },
    { sortKeys: true },
  );
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** A stored result returned under another command id (same key, same request): marked `replayed`. */
export function replayOf(stored: CommandResult, command: Command): CommandResult {
  return commandResultSchema.parse({ ...stored, commandId: command.commandId, replayed: true });
}
