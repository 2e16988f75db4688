import type { AppointmentStatus, EstimateStatus, PaymentMethod } from '@fieldsync/sandbox-world';

/** Appointment → `visitStatus`; Canceled appointments are not visits at all (Jobber deletes them). */
export const VISIT_STATUS: Readonly<Record<Exclude<AppointmentStatus, 'Canceled'>, string>> = {
  Scheduled: 'UPCOMING',
  Dispatched: 'UPCOMING',
  Working: 'ACTIVE',
  Hold: 'UNSCHEDULED',
  Done: 'COMPLETED',
};

export const QUOTE_STATUS: Readonly<Record<EstimateStatus, string>> = {
  Open: 'awaiting_response',
  Sold: 'approved',
  Dismissed: 'archived',
};

/** Every world estimate is a quote made from a request: the request is converted (archived if dismissed). */
export const REQUEST_STATUS: Readonly<Record<EstimateStatus, string>> = {
  Open: 'converted',
  Sold: 'converted',
  Dismissed: 'archived',
};

export const PAYMENT_TYPE: Readonly<Record<PaymentMethod, string>> = {
  card: 'CREDIT_CARD',
  ach: 'BANK_TRANSFER',
  cash: 'CASH',
  check: 'CHEQUE',
};
