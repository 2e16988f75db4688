/** Injection token of the portal definitions the sandbox serves (`readonly VendorPortal[]`). */
export const VENDOR_PORTALS = Symbol('VENDOR_PORTALS');
/** Injection token of the running portal servers (PortalServers). */
export const PORTAL_SERVERS = Symbol('PORTAL_SERVERS');
/** Injection token of the SandboxWorldHost every portal renders. */
export const SANDBOX_WORLD = Symbol('SANDBOX_WORLD');

/** Prefix of the control API on every portal port (and the index on the main port). */
export const CONTROL_PREFIX = '/__sandbox';
