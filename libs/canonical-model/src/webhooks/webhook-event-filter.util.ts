import { ENTITY_EVENT_TYPES, OPERATIONAL_EVENT_TYPES } from '../events/event-type.schema';

/**
 * Event-type filters of an endpoint: exact types (`job.created`), namespace wildcards (`job.*`,
 * `message.*`) or `*`. No filter and `*` mean every change event; operational events (`endpoint.disabled`,
 * `message.attempt.exhausted`, `session.*`, `connection.*`, `connector.*`) only reach endpoints that name
 * them or their namespace, so an ordinary endpoint never receives the platform's own events.
 */

export const WEBHOOK_FILTERABLE_EVENT_TYPES: readonly string[] = [
  ...ENTITY_EVENT_TYPES,
  ...OPERATIONAL_EVENT_TYPES,
];
const OPERATIONAL: ReadonlySet<string> = new Set(OPERATIONAL_EVENT_TYPES);

/** The dispatcher's own event types (their `subject` is the endpoint they are about). */
export const DELIVERY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'endpoint.disabled',
  'message.attempt.exhausted',
]);

const PATTERN_RE = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;

export function patternMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return !OPERATIONAL.has(type);
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Why a filter pattern is unusable (naming it), or undefined. */
export function eventTypePatternProblem(pattern: string): string | undefined {
  if (!PATTERN_RE.test(pattern)) {
    return `"${pattern}" is not an event type, a namespace wildcard such as "job.*", or "*"`;
  }
  if (!WEBHOOK_FILTERABLE_EVENT_TYPES.some((type) => patternMatches(pattern, type))) {
    return `"${pattern}" matches no event type (e.g. job.created, job.status_changed, invoice.paid, endpoint.disabled)`;
  }
  return undefined;
}

export interface EndpointFilters {
  readonly id: string;
  readonly eventTypes: readonly string[] | null;
  readonly vendors: readonly string[] | null;
  readonly connectionIds: readonly string[] | null;
}

export interface RoutableEvent {
  readonly type: string;
  readonly subject?: string | undefined;
  readonly vendor?: string | undefined;
  readonly connectionid?: string | undefined;
}

/**
 * Does the endpoint want this event? Vendor and connection filters apply to events that carry a vendor
 * or connection; a delivery event about an endpoint is never delivered to that same endpoint.
 */
export function endpointWants(endpoint: EndpointFilters, event: RoutableEvent): boolean {
  if (DELIVERY_EVENT_TYPES.has(event.type) && event.subject === endpoint.id) return false;
  const typeWanted =
    endpoint.eventTypes === null || endpoint.eventTypes.length === 0
      ? !OPERATIONAL.has(event.type)
      : endpoint.eventTypes.some((pattern) => patternMatches(pattern, event.type));
  if (!typeWanted) return false;
  if (endpoint.vendors !== null && event.vendor !== undefined && !endpoint.vendors.includes(event.vendor)) {
    return false;
  }
  if (
    endpoint.connectionIds !== null &&
    event.connectionid !== undefined &&
    !endpoint.connectionIds.includes(event.connectionid)
  ) {
    return false;
  }
  return true;
}
