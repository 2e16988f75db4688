import { z } from 'zod';
import { ENTITY_TYPES, EntityType } from '../ids/entity-type.schema';

export const LIFECYCLE_ACTIONS = ['created', 'updated', 'deleted'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/**
 * Status-driven event types. A change emits ONE event with the most specific type that fits (see
 * `deriveChangeEventType`): a job whose status moved emits `job.status_changed` rather than `job.updated`;
 * an invoice reaching `paid` emits `invoice.paid`. Subscribe to `job.*` to see every job change.
 */
export const STATUS_EVENT_TYPES = [
  'job.status_changed',
  'appointment.status_changed',
  'estimate.status_changed',
  'estimate.approved',
  'estimate.converted',
  'invoice.status_changed',
  'invoice.paid',
  'invoice.voided',
  'payment.status_changed',
  'payment.captured',
  'payment.refunded',
  'membership.status_changed',
  'lead.status_changed',
  'lead.converted',
] as const;

export type EntityLifecycleEventType = `${EntityType}.${LifecycleAction}`;
export type StatusEventType = (typeof STATUS_EVENT_TYPES)[number];
export type EntityEventType = EntityLifecycleEventType | StatusEventType;

export const ENTITY_EVENT_TYPES: readonly EntityEventType[] = [
  ...ENTITY_TYPES.flatMap((entity) =>
    LIFECYCLE_ACTIONS.map((action): EntityLifecycleEventType => `${entity}.${action}`),
  ),
  ...STATUS_EVENT_TYPES,
];

export const entityEventTypeSchema = z.enum(ENTITY_EVENT_TYPES as [EntityEventType, ...EntityEventType[]], {
  error: (issue) => `unknown entity event type ${JSON.stringify(issue.input)}`,
});

/** Events about the platform itself rather than a vendor record. */
export const OPERATIONAL_EVENT_TYPES = [
  'session.established',
  'session.refreshed',
  'session.expired',
  'connection.auth_failed',
  'connection.mfa_required',
  'connector.drift_detected',
  'endpoint.disabled',
  'message.attempt.exhausted',
] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export type EventType = EntityEventType | OperationalEventType;

/** The entity named by an entity event type: `invoice.paid` → `invoice`. */
export function entityOfEventType(type: EntityEventType): EntityType {
  return type.slice(0, type.indexOf('.')) as EntityType;
}
