/** Postgres NOTIFY channel writers signal after appending to the outbox (delivered at commit). */
export const OUTBOX_CHANNEL = 'fieldsync_outbox';

/** Injection token of OutboxRelayOptions. */
export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');
