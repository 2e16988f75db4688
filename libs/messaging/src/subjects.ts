import {
  BaseStreamNames,
  MAX_SUBJECT_LENGTH,
  MAX_SUBJECT_TOKENS,
  SUBJECT_ROOT,
  type StreamKind,
} from './messaging.constants';
import { MessagingError, MessagingErrorCode } from './messaging.error';

/*
 * Subject builders (CONVENTIONS.md: subject names are never typed inline).
 *
 * Builders return *logical* subjects: the public contract of DESIGN.md, without prefix
 * (`fsm.events.<tenant>.<vendor>.<entity>.<action>` ...). The physical subject on the wire is
 * `withPrefix(subject, prefix)`: `<prefix>.fsm.events...` when a stream prefix is configured
 * (FIELDSYNC_STREAM_PREFIX), so tests and tenants sharing one NATS never overlap. The publisher,
 * the JetStream transport and the sessions transport apply the prefix; handlers and callers keep
 * writing logical subjects (they are static in decorators).
 */

const TOKEN_RE = /^[A-Za-z0-9_-]+$/;

export type SessionOperation = 'acquire' | 'invalidate' | 'status';
export const SessionOperations: readonly SessionOperation[] = ['acquire', 'invalidate', 'status'];

function describe(token: string): string {
  return JSON.stringify(token);
}

/** Throws a MessagingError naming the token unless it is a non-empty `[A-Za-z0-9_-]+`. */
export function assertToken(token: string, what = 'token'): string {
  if (typeof token !== 'string' || token.length === 0) {
    throw new MessagingError(MessagingErrorCode.InvalidSubjectToken, `invalid subject ${what}: empty token`);
  }
  if (!TOKEN_RE.test(token)) {
    throw new MessagingError(
      MessagingErrorCode.InvalidSubjectToken,
      `invalid subject ${what} ${describe(token)}: only A-Z a-z 0-9 _ - are allowed (no whitespace, '.', '*', '>')`,
    );
  }
  return token;
}

/** A token that may contain dots (a command type like `job.status.update`): each part becomes a token. */
function dottedTokens(value: string, what: string): string[] {
  if (typeof value !== 'string' || value.length === 0) {
    throw new MessagingError(MessagingErrorCode.InvalidSubjectToken, `invalid subject ${what}: empty token`);
  }
  return value.split('.').map((part) => {
    if (part.length === 0) {
      throw new MessagingError(
        MessagingErrorCode.InvalidSubjectToken,
        `invalid subject ${what} ${describe(value)}: empty token between dots`,
      );
    }
    return assertToken(part, what);
  });
}

function assertLimits(subject: string, tokens: number): string {
  if (tokens > MAX_SUBJECT_TOKENS) {
    throw new MessagingError(
      MessagingErrorCode.SubjectTooLong,
      `subject ${describe(subject)} has ${tokens} tokens (max ${MAX_SUBJECT_TOKENS})`,
    );
  }
  if (subject.length > MAX_SUBJECT_LENGTH) {
    throw new MessagingError(
      MessagingErrorCode.SubjectTooLong,
      `subject ${describe(subject.slice(0, 40))}... is ${subject.length} characters (max ${MAX_SUBJECT_LENGTH})`,
    );
  }
  return subject;
}

function join(tokens: string[]): string {
  // Leave room for a one-token prefix so that a valid logical subject stays valid once prefixed.
  const subject = tokens.join('.');
  assertLimits(subject, tokens.length + 1);
  return subject;
}

/** Validates a stream prefix: '' (none) or one token. */
export function assertPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  return assertToken(prefix, 'prefix');
}

/** `fsm.events.<tenant>.<vendor>.<entity>.<action>` */
export function eventSubject(p: {
  tenantId: string;
  vendor: string;
  entity: string;
  action: string;
}): string {
  return join([
    SUBJECT_ROOT,
    'events',
    assertToken(p.tenantId, 'tenantId'),
    assertToken(p.vendor, 'vendor'),
    assertToken(p.entity, 'entity'),
    assertToken(p.action, 'action'),
  ]);
}

/**
 * `fsm.commands.<tenant>.<connection>.<type>`: a dotted command type (`job.status.update`) keeps
 * its dots, i.e. becomes 2–3 trailing tokens, so `fsm.commands.<t>.<c>.job.>` selects all job commands.
 */
export function commandSubject(p: { tenantId: string; connectionId: string; type: string }): string {
  return join([
    SUBJECT_ROOT,
    'commands',
    assertToken(p.tenantId, 'tenantId'),
    assertToken(p.connectionId, 'connectionId'),
    ...dottedTokens(p.type, 'command type'),
  ]);
}

/** `fsm.results.<tenant>.<commandId>` */
export function resultSubject(p: { tenantId: string; commandId: string }): string {
  return join([
    SUBJECT_ROOT,
    'results',
    assertToken(p.tenantId, 'tenantId'),
    assertToken(p.commandId, 'commandId'),
  ]);
}

/**
 * `fsm.dlq.<service>.<original logical subject tokens>`, e.g.
 * `fsm.dlq.writer.fsm.commands.t1.c1.job.create`. `originalSubject` is logical (no prefix).
 */
export function dlqSubject(service: string, originalSubject: string): string {
  return join([
    SUBJECT_ROOT,
    'dlq',
    assertToken(service, 'service'),
    ...dottedTokens(originalSubject, 'original subject'),
  ]);
}

/** `fsm.sessions.<connection>.acquire|invalidate|status` (core request/reply, no stream). */
export function sessionsSubject(connectionId: string, op: SessionOperation): string {
  if (!SessionOperations.includes(op)) {
    throw new MessagingError(
      MessagingErrorCode.InvalidSubjectToken,
      `invalid session operation ${describe(op)}`,
    );
  }
  return join([SUBJECT_ROOT, 'sessions', assertToken(connectionId, 'connectionId'), op]);
}

const tok = (value: string | undefined, what: string): string =>
  value === undefined ? '*' : assertToken(value, what);

/** Filter over FSM_EVENTS; an omitted part is `*`. `eventsFilter()` = `fsm.events.>`. */
export function eventsFilter(
  p: { tenantId?: string; vendor?: string; entity?: string; action?: string } = {},
): string {
  if (
    p.tenantId === undefined &&
    p.vendor === undefined &&
    p.entity === undefined &&
    p.action === undefined
  ) {
    return `${SUBJECT_ROOT}.events.>`;
  }
  return join([
    SUBJECT_ROOT,
    'events',
    tok(p.tenantId, 'tenantId'),
    tok(p.vendor, 'vendor'),
    tok(p.entity, 'entity'),
    tok(p.action, 'action'),
  ]);
}

/** Filter over FSM_COMMANDS: `fsm.commands.>`, `fsm.commands.<t>.>`, `fsm.commands.<t|*>.<c>.>`, or one exact type. */
export function commandsFilter(p: { tenantId?: string; connectionId?: string; type?: string } = {}): string {
  const head = [SUBJECT_ROOT, 'commands'];
  if (p.type !== undefined) {
    return join([
      ...head,
      tok(p.tenantId, 'tenantId'),
      tok(p.connectionId, 'connectionId'),
      ...dottedTokens(p.type, 'command type'),
    ]);
  }
  if (p.connectionId !== undefined) {
    return join([...head, tok(p.tenantId, 'tenantId'), assertToken(p.connectionId, 'connectionId'), '>']);
  }
  if (p.tenantId !== undefined) return join([...head, assertToken(p.tenantId, 'tenantId'), '>']);
  return join([...head, '>']);
}

/** Filter over FSM_RESULTS: `fsm.results.>` or `fsm.results.<t>.*`. */
export function resultsFilter(p: { tenantId?: string } = {}): string {
  return p.tenantId === undefined
    ? `${SUBJECT_ROOT}.results.>`
    : join([SUBJECT_ROOT, 'results', assertToken(p.tenantId, 'tenantId'), '*']);
}

/** Filter over FSM_DLQ: `fsm.dlq.>` or `fsm.dlq.<service>.>`. */
export function dlqFilter(p: { service?: string } = {}): string {
  return p.service === undefined
    ? `${SUBJECT_ROOT}.dlq.>`
    : join([SUBJECT_ROOT, 'dlq', assertToken(p.service, 'service'), '>']);
}

/** `fsm.sessions.*.<op>` (or `fsm.sessions.>`), for the session manager's handlers. */
export function sessionsFilter(op?: SessionOperation): string {
  if (op === undefined) return `${SUBJECT_ROOT}.sessions.>`;
  if (!SessionOperations.includes(op)) {
    throw new MessagingError(
      MessagingErrorCode.InvalidSubjectToken,
      `invalid session operation ${describe(op)}`,
    );
  }
  return join([SUBJECT_ROOT, 'sessions', '*', op]);
}

/** The stream's subject filter (logical): `fsm.events.>` etc. */
export function streamSubjectFilter(kind: StreamKind): string {
  return `${SUBJECT_ROOT}.${kind}.>`;
}

/** `FSM_EVENTS` or, with prefix `p`, `p_FSM_EVENTS`. */
export function streamName(kind: StreamKind, prefix = ''): string {
  const base = BaseStreamNames[kind];
  return assertPrefix(prefix) === '' ? base : `${prefix}_${base}`;
}

/** Logical → physical subject: `p.<subject>` (or the subject itself without a prefix). */
export function withPrefix(subject: string, prefix = ''): string {
  if (assertPrefix(prefix) === '') return subject;
  return assertLimits(`${prefix}.${subject}`, subject.split('.').length + 1);
}

/** Physical → logical subject; throws when the subject does not carry the prefix. */
export function withoutPrefix(subject: string, prefix = ''): string {
  if (assertPrefix(prefix) === '') return subject;
  const head = `${prefix}.`;
  if (!subject.startsWith(head)) {
    throw new MessagingError(
      MessagingErrorCode.InvalidSubjectToken,
      `subject ${describe(subject)} does not carry the stream prefix ${describe(prefix)}`,
    );
  }
  return subject.slice(head.length);
}

/**
 * NATS subject matching: `*` matches exactly one token, `>` (last token only) one or more.
 * Both arguments are of the same kind (both logical or both physical).
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i];
    if (pt === '>') return i === p.length - 1 && s.length > i;
    const st = s[i];
    if (st === undefined) return false;
    if (pt !== '*' && pt !== st) return false;
  }
  return p.length === s.length;
}

/** Is this a valid subscription pattern (tokens, `*`, and a trailing `>`)? */
export function isValidPattern(pattern: string): boolean {
  const parts = pattern.split('.');
  return parts.every((t, i) => t === '*' || (t === '>' && i === parts.length - 1) || TOKEN_RE.test(t));
}
