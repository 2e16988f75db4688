/** Injection token of the parsed SessionManagerConfig. */
export const SESSION_MANAGER_CONFIG = Symbol('SESSION_MANAGER_CONFIG');
