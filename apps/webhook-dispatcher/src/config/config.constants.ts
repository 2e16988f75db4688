/** Injection token of the parsed WebhookDispatcherConfig. */
export const WEBHOOK_DISPATCHER_CONFIG = Symbol('WEBHOOK_DISPATCHER_CONFIG');
