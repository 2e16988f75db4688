import type { WorldRng } from './world-rng.util';
import { DAY, HOUR, MINUTE } from './world-time.constants';

/** How far back the generated history goes, and how far ahead the schedule runs. */
export const HISTORY_DAYS = 730;
export const FUTURE_DAYS = 30;

/** The fields every generated record starts with. */
export interface GeneratedBase {
  createdOn: number;
  modifiedOn: number;
  active: boolean;
  deletedOn: number | null;
}

/**
 * The generated business's calendar: "now", the day it was founded, the day it moved onto this vendor
 * (every older customer arrived in one import), the first day of the two years of history, and the
 * days the schedule covers. Every family of the generator dates its records from it.
 */
export class GenerationTimeline {
  readonly founding: number;
  /** The day the business moved onto this vendor: every older customer arrived in one import. */
  readonly importAt: number;
  readonly historyStart: number;
  /** Days from historyStart that the schedule covers (history, the month ahead, a margin). */
  readonly days: number;

  constructor(readonly now: number) {
    this.founding = now - 6 * 365 * DAY - 3 * DAY - 7 * HOUR;
    this.importAt = now - (HISTORY_DAYS + 45) * DAY + 3 * HOUR + 12 * MINUTE + 31_417;
    this.historyStart = Math.floor((now - HISTORY_DAYS * DAY) / DAY) * DAY;
    this.days = HISTORY_DAYS + FUTURE_DAYS + 2;
  }

  /** A record's system fields; modifiedOn never later than now. */
  base(
    createdOn: number,
    modifiedOn = createdOn,
    active = true,
    deletedOn: number | null = null,
  ): GeneratedBase {
    return { createdOn, modifiedOn: Math.min(modifiedOn, this.now), active, deletedOn };
  }

  /** A moment after `t` and before now (or `t` itself when there is no room). */
  later(rng: WorldRng, t: number): number {
    if (t >= this.now - MINUTE) return Math.min(t, this.now);
    return t + 1 + Math.floor(rng.next() * (this.now - t - 1));
  }

  /** The schedule day (from historyStart) of time `t`. */
  dayOf(t: number): number {
    return Math.floor((t - this.historyStart) / DAY);
  }
}
