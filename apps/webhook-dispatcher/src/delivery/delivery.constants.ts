/** Injection tokens of the delivery side. */
export const DELIVERY_SETTINGS = Symbol('DELIVERY_SETTINGS');
/** The vault that seals endpoint signing secrets. */
export const SIGNING_VAULT = Symbol('SIGNING_VAULT');
/** The AddressPolicy (SSRF) shared by URL validation and the delivery client. */
export const ADDRESS_POLICY = Symbol('ADDRESS_POLICY');
/** The DNS resolver the policy is applied to (the system's; specs inject hostile answers). */
export const DNS_RESOLVER = Symbol('DNS_RESOLVER');

/** User-Agent of every delivery. */
export const DELIVERY_USER_AGENT = 'fieldsync-webhooks/1';
/** Response bytes kept per attempt. */
export const RESPONSE_EXCERPT_BYTES = 1_024;
/** Response bytes read before the connection is dropped instead of drained. */
export const RESPONSE_DRAIN_LIMIT_BYTES = 64 * 1_024;
/** Oldest failure `POST /endpoints/:id/recover` reaches back to. */
export const RECOVER_MAX_WINDOW_MS = 14 * 24 * 3_600_000;
/** This process's lease-owner id (`<host>-<pid>-<random>`), stamped on the messages it claims. */
export const REPLICA_ID = Symbol('REPLICA_ID');
