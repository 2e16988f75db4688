/**
 * `X-JOBBER-GRAPHQL-VERSION` of the data calls: the newest version Jobber (and the sandbox) serves.
 * Jobber upgrades a removed version to its oldest supported one and warns on versions out of
 * support, so this moves forward when the warning (`extensions.versioning.warning`) shows up.
 */
export const JOBBER_GRAPHQL_VERSION = '2025-04-16';

/** Jobber's "recognised device" cookie: with it, the next login skips the SMS two-step. */
export const JOBBER_DEVICE_COOKIE = '_jobber_device';
