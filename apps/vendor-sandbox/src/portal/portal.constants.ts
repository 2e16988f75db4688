/** Injection token of the portal definitions the sandbox serves (`readonly VendorPortal[]`). */
export const VENDOR_PORTALS = Symbol('VENDOR_PORTALS');
/** Injection token of the running portal servers (PortalServers). */
export const PORTAL_SERVERS = Symbol('PORTAL_SERVERS');
/** Optional injection token of the world behind the control API (SandboxWorldControl). */
export const SANDBOX_WORLD_CONTROL = Symbol('SANDBOX_WORLD_CONTROL');

/** Prefix of the control API on every portal port (and the index on the main port). */
export const CONTROL_PREFIX = '/__sandbox';
