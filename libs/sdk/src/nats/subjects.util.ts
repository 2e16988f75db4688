/*
 * The public NATS contract (DESIGN.md "Subjects and streams", docs/asyncapi.json), spelled for integrators:
 * libs/messaging builds the same names inside the services (the SDK may not depend on it: it carries Nest).
 * `prefix` is a deployment's FIELDSYNC_STREAM_PREFIX ('' in production): subjects become `<p>.fsm.…`,
 * streams `<p>_FSM_…`.
 */

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Throws naming the value unless it is one subject token (`[A-Za-z0-9_-]+`). */
export function subjectToken(value: string, what: string): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new TypeError(`${what} ${JSON.stringify(value)} is not a subject token (only A-Z a-z 0-9 _ -)`);
  }
  return value;
}

const prefixed = (subject: string, prefix: string): string =>
  prefix === '' ? subject : `${subjectToken(prefix, 'prefix')}.${subject}`;

export const streamNames = (prefix = '') => {
  const p = prefix === '' ? '' : `${subjectToken(prefix, 'prefix')}_`;
  return { events: `${p}FSM_EVENTS`, commands: `${p}FSM_COMMANDS`, results: `${p}FSM_RESULTS` };
};

/** `fsm.commands.<tenant>.<connection>.<type>` (a dotted type keeps its dots: `job.status.update`). */
export function commandSubject(
  p: { tenantId: string; connectionId: string; type: string },
  prefix = '',
): string {
  const type = p.type
    .split('.')
    .map((part) => subjectToken(part, 'command type'))
    .join('.');
  return prefixed(
    `fsm.commands.${subjectToken(p.tenantId, 'tenantId')}.${subjectToken(p.connectionId, 'connectionId')}.${type}`,
    prefix,
  );
}

/** `fsm.results.<tenant>.<commandId>`; without a tenant, `fsm.results.*.<commandId>`. */
export function resultSubject(p: { tenantId?: string; commandId: string }, prefix = ''): string {
  const tenant = p.tenantId === undefined ? '*' : subjectToken(p.tenantId, 'tenantId');
  return prefixed(`fsm.results.${tenant}.${subjectToken(p.commandId, 'commandId')}`, prefix);
}

/**
 * The FSM_EVENTS filters of some event types: `job.created` → `fsm.events.<t>.*.job.created`, `job.*` →
 * `fsm.events.<t>.*.job.*`, `message.attempt.exhausted` → `…message.attempt_exhausted` (a token holds no
 * dot); no types → `fsm.events.<t>.>`. The tenant is `*` when not given.
 */
export function eventFilters(p: { tenantId?: string; types?: readonly string[] }, prefix = ''): string[] {
  const tenant = p.tenantId === undefined ? '*' : subjectToken(p.tenantId, 'tenantId');
  if (p.types === undefined || p.types.length === 0) return [prefixed(`fsm.events.${tenant}.>`, prefix)];
  const filters = p.types.map((type) => {
    const dot = type.indexOf('.');
    if (dot <= 0 || dot === type.length - 1) {
      throw new TypeError(`event type ${JSON.stringify(type)} is not <entity>.<action> (job.created, job.*)`);
    }
    const entity = subjectToken(type.slice(0, dot), 'event type entity');
    const rest = type.slice(dot + 1);
    const action = rest === '*' ? '*' : subjectToken(rest.replaceAll('.', '_'), 'event type action');
    return prefixed(`fsm.events.${tenant}.*.${entity}.${action}`, prefix);
  });
  return [...new Set(filters)];
}

/** NATS subject matching: `*` one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (const [i, token] of p.entries()) {
    if (token === '>') return i === p.length - 1 && s.length > i;
    if (s[i] === undefined || (token !== '*' && token !== s[i])) return false;
  }
  return p.length === s.length;
}
