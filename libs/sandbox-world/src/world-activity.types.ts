import type { WorldEntity } from './world.schema';

/** Kinds of business activity and their default relative weights (the order is part of the draw). */
export const DEFAULT_ACTIVITY_MIX = {
  createCustomer: 5,
  createJob: 10,
  advanceAppointment: 16,
  holdOrCancelJob: 3,
  reschedule: 6,
  reassign: 5,
  payment: 10,
  voidPayment: 1,
  invoiceStatus: 5,
  estimate: 4,
  updateCustomer: 5,
  updateContact: 3,
  softDelete: 2,
  mergeCustomers: 1,
  membership: 2,
  equipment: 2,
} as const;
export type ActivityKind = keyof typeof DEFAULT_ACTIVITY_MIX;
export type ActivityMix = Readonly<Record<ActivityKind, number>>;

export interface ActivityOptions {
  readonly seed: number | string;
  /** Mean events per simulated minute (default 2). */
  readonly ratePerMinute?: number;
  /** Weights per kind; missing kinds keep their default, 0 turns a kind off. */
  readonly mix?: Partial<ActivityMix>;
}

/** What one activity step did. A rule refusal is an outcome too (nothing was written then). */
export interface ActivityEvent {
  readonly kind: ActivityKind | 'bulkEdit';
  readonly at: number;
  readonly ok: boolean;
  readonly entity?: WorldEntity;
  readonly id?: number;
  /** The rule code when the vendor refused, or 'no_candidate' when nothing fitted. */
  readonly refused?: string;
}

/** The record an activity wrote, or null when no record fitted. */
export type ActivityTouch = [WorldEntity, number] | null;

/** Does one activity of its kind at world time `now`; a vendor refusal throws a WorldRuleError. */
export type ActivityHandler = (now: number) => ActivityTouch;

/** The handlers of one family of activity kinds. */
export type ActivityHandlers<K extends ActivityKind> = Readonly<Record<K, ActivityHandler>>;
