import { createUlidFactory } from '@fieldsync/canonical-model';

const ulid = createUlidFactory();

/** Ids of the dispatcher's records: a type prefix and a monotonic ULID, so ids sort by creation. */
export const newEndpointId = (): string => `ep_${ulid()}`;
/** `webhook-id` of every attempt of one (event, endpoint) pair. */
export const newMessageId = (): string => `msg_${ulid()}`;
export const newAttemptId = (): string => `atmpt_${ulid()}`;
export const newSecretId = (): string => `sec_${ulid()}`;
