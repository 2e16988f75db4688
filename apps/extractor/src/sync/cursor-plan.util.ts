import type { ReadPage, StreamReader } from '@fieldsync/connector-kit';
import { reconciliationRequested, type CursorState } from '@fieldsync/persistence';
import type { DriftedRecord } from './page-mapping.util';

/** How a run of one stream starts. */
export interface RunPlan {
  readonly state: CursorState;
  readonly generation: number;
  /** `pass`: a full reconciliation pass starts; `reread`: the stretch since the first drifted page is read again. */
  readonly begins: 'pass' | 'reread' | null;
}

/** The claim's clock and the latest reconciliation request (both in the database's clock). */
export interface ClaimTimes {
  /** When the stream was claimed: a pass begun by this run began then. Defaults to `now`. */
  readonly claimedAt?: string;
  /** The latest request for a pass (`sync_cursors.reconcile_requested_at`). */
  readonly reconcileRequestedAt?: string | null;
}

/**
 * Where a run starts. A stream without delete signals begins a full reconciliation pass (from the
 * beginning, under a new generation, the quarantined records included) once `reconcileIntervalMs` has
 * passed since the last one completed, or when a pass was requested and none began since the request
 * (a pass in progress goes on first); its incremental checkpoint is kept apart (`incremental`) so the
 * changes since it keep being read while the pass runs. Otherwise a stream that quarantined drifted
 * records reads again from the checkpoint before the first drifted page every `driftRetryMs` (the vendor
 * sends an unchanged record only once; unchanged records hash equal and write nothing). Otherwise it goes
 * on from its checkpoint.
 */
export function planRun(
  stream: Pick<StreamReader, 'signalsDeletes'>,
  state: CursorState,
  generation: number,
  now: Date,
  options: { reconcileIntervalMs: number; driftRetryMs: number },
  claim: ClaimTimes = {},
): RunPlan {
  const reconciledAt = state.reconciledAt === null ? null : Date.parse(state.reconciledAt);
  if (
    !stream.signalsDeletes &&
    !state.pass &&
    (reconciledAt === null ||
      now.getTime() - reconciledAt >= options.reconcileIntervalMs ||
      reconciliationRequested(state, claim.reconcileRequestedAt ?? null))
  ) {
    return {
      state: {
        ...state,
        checkpoint: null,
        pass: true,
        passBlind: false,
        driftFrom: null,
        incremental: state.checkpoint === null ? null : { checkpoint: state.checkpoint },
        passStartedAt: claim.claimedAt ?? now.toISOString(),
      },
      generation: generation + 1,
      begins: 'pass',
    };
  }
  const driftRetriedAt = state.driftFrom && Date.parse(state.driftRetriedAt ?? state.driftFrom.at);
  if (state.driftFrom && !state.pass && now.getTime() - (driftRetriedAt ?? 0) >= options.driftRetryMs) {
    return {
      state: {
        ...state,
        checkpoint: state.driftFrom.checkpoint,
        driftFrom: null,
        driftRetriedAt: now.toISOString(),
      },
      generation,
      begins: 'reread',
    };
  }
  return { state, generation, begins: null };
}

/**
 * The two parts of a run. `checkpoint`: reading from `state.checkpoint` — the pass's position while a
 * pass runs, otherwise the stream's ordinary incremental reading. `incremental`: while a pass runs, the
 * changes since the incremental checkpoint kept apart (`state.incremental`), read until caught up before
 * the pass goes on, so the stream stays as fresh as its interval and not as the pass's duration.
 */
export type RunPart = 'checkpoint' | 'incremental';

/** Whether a run reads the incremental part: a pass is in progress with an incremental checkpoint kept apart. */
export function readsIncrementally(state: CursorState): boolean {
  return state.pass && state.incremental !== null;
}

/** The checkpoint a part of the run reads from. */
export function checkpointOf(state: CursorState, part: RunPart): string | null {
  if (part === 'checkpoint') return state.checkpoint;
  if (!state.pass || state.incremental === null) {
    throw new TypeError('no incremental part to read: no pass holds an incremental checkpoint apart');
  }
  return state.incremental.checkpoint;
}

/** The cursor after a page, and what the page means for a reconciliation pass in progress. */
export interface PageOutcome {
  readonly next: CursorState;
  /** The pass read its last page: the rows it did not see may be tombstoned... */
  readonly passCompleted: boolean;
  /** ...unless it met a drifted record without an id, and so cannot tell what it did not see. */
  readonly passBlind: boolean;
}

/**
 * The cursor after a page of one part of the run. A page of the incremental part advances only the
 * incremental checkpoint and never completes the pass; its records are stamped with the pass's
 * generation (the run's), so they count as seen by it, and a drifted record without an id makes the pass
 * blind as one the pass met would. A page that completes the pass leaves the stream at the pass's end,
 * which is at or past the incremental checkpoint (both read the same order, the pass later).
 */
export function afterPage(
  state: CursorState,
  page: Pick<ReadPage, 'checkpoint' | 'caughtUp'>,
  drifted: readonly DriftedRecord[],
  now: Date,
  part: RunPart = 'checkpoint',
): PageOutcome {
  const from = checkpointOf(state, part);
  const driftFrom =
    drifted.length > 0 && state.driftFrom === null
      ? { checkpoint: from, at: now.toISOString() }
      : state.driftFrom;
  const passBlind = state.pass && (state.passBlind || drifted.some((d) => d.externalId === null));
  if (part === 'incremental') {
    return {
      next: { ...state, incremental: { checkpoint: page.checkpoint }, driftFrom, passBlind },
      passCompleted: false,
      passBlind,
    };
  }
  const passCompleted = state.pass && page.caughtUp;
  return {
    next: {
      checkpoint: page.checkpoint,
      pass: state.pass && !page.caughtUp,
      reconciledAt: passCompleted ? now.toISOString() : state.reconciledAt,
      driftFrom,
      driftRetriedAt: state.driftRetriedAt,
      passBlind: passBlind && !passCompleted,
      incremental: passCompleted ? null : state.incremental,
      passStartedAt: state.passStartedAt,
    },
    passCompleted,
    passBlind,
  };
}
