/** Injection token of the parsed VendorSandboxConfig. */
export const VENDOR_SANDBOX_CONFIG = Symbol('VENDOR_SANDBOX_CONFIG');
