/**
 * Milliseconds since the epoch; injected so expiry is testable without waiting. Its own file so the
 * stores that take it (sessions, lockout, codes, outbox, faults) need nothing of the portal contract.
 */
export type Clock = () => number;
