/** Injection token of the BrowserPool the logins run in. */
export const BROWSER_POOL = Symbol('BROWSER_POOL');
/** Injection token of the auth flows by vendor (ReadonlyMap<Vendor, AuthFlow>). */
export const AUTH_FLOWS = Symbol('AUTH_FLOWS');
