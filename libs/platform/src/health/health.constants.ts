/** Injection token of the `ReadinessCheck[]` that /health/ready and the startup checks run. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;
