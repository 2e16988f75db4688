import { monotonicFactory } from 'ulid';
import { COMMAND_ID_PREFIX, EVENT_ID_PREFIX } from './id-prefix.constants';

export type UlidFactory = (seedTime?: number) => string;

/**
 * A monotonic ULID generator: ids made within the same millisecond still sort in creation order
 * (the random part is incremented). Each factory keeps its own state; pass `seedTime` to make ids for a
 * given instant (tests, backfills).
 */
export function createUlidFactory(): UlidFactory {
  const factory = monotonicFactory();
  return (seedTime?: number) => factory(seedTime);
}

const defaultFactory = createUlidFactory();

/** `evt_` + monotonic ULID, e.g. `evt_01KAB3X5Z6QF8M2R0T9W4YVJHN`. */
export function newEventId(seedTime?: number): string {
  return `${EVENT_ID_PREFIX}_${defaultFactory(seedTime)}`;
}

/** `cmd_` + monotonic ULID. */
export function newCommandId(seedTime?: number): string {
  return `${COMMAND_ID_PREFIX}_${defaultFactory(seedTime)}`;
}
