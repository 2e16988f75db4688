/** The Postgres NOTIFY channel the `mfa_messages` insert trigger signals (payload: `{ channel, destination }`). */
export const MFA_NOTIFY_CHANNEL = 'mfa_messages';

/** How often a waiting login reads the vendor sandbox's outbox when the sandbox bridge is on. */
export const SANDBOX_OUTBOX_POLL_MS = 250;

/** Upper bound of one outbox request, so a hung sandbox never holds a wait past its deadline. */
export const SANDBOX_OUTBOX_REQUEST_TIMEOUT_MS = 2_000;

/** Vault context of a stored code: a ciphertext copied to another row does not open. */
export const mfaCodeContext = (messageId: string): string => `mfa_messages/${messageId}/code`;

/** The channels a code can arrive on. */
export const MFA_CHANNELS = ['sms', 'email'] as const;
