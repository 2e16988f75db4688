import type { ReadPage, StreamReader } from '@fieldsync/connector-kit';
import type { CursorState } from '@fieldsync/persistence';
import type { DriftedRecord } from './page-mapping.util';

/** How a run of one stream starts. */
export interface RunPlan {
  readonly state: CursorState;
  readonly generation: number;
  /** `pass`: a full reconciliation pass starts; `reread`: the stretch since the first drifted page is read again. */
  readonly begins: 'pass' | 'reread' | null;
}

/**
 * Where a run starts. A stream without delete signals begins a full reconciliation pass (from the
 * beginning, under a new generation, the quarantined records included) once `reconcileIntervalMs` has
 * passed since the last one completed. Otherwise a stream that quarantined drifted records reads again
 * from the checkpoint before the first drifted page every `driftRetryMs` (the vendor sends an unchanged
 * record only once; unchanged records hash equal and write nothing). Otherwise it goes on from its
 * checkpoint.
 */
export function planRun(
  stream: Pick<StreamReader, 'signalsDeletes'>,
  state: CursorState,
  generation: number,
  now: Date,
  options: { reconcileIntervalMs: number; driftRetryMs: number },
): RunPlan {
  const reconciledAt = state.reconciledAt === null ? null : Date.parse(state.reconciledAt);
  if (
    !stream.signalsDeletes &&
    !state.pass &&
    (reconciledAt === null || now.getTime() - reconciledAt >= options.reconcileIntervalMs)
  ) {
    return {
      state: { ...state, checkpoint: null, pass: true, passBlind: false, driftFrom: null },
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

/** The cursor after a page, and what the page means for a reconciliation pass in progress. */
export interface PageOutcome {
  readonly next: CursorState;
  /** The pass read its last page: the rows it did not see may be tombstoned... */
  readonly passCompleted: boolean;
  /** ...unless it met a drifted record without an id, and so cannot tell what it did not see. */
  readonly passBlind: boolean;
}

export function afterPage(
  state: CursorState,
  page: Pick<ReadPage, 'checkpoint' | 'caughtUp'>,
  drifted: readonly DriftedRecord[],
  now: Date,
): PageOutcome {
  const passCompleted = state.pass && page.caughtUp;
  const passBlind = state.pass && (state.passBlind || drifted.some((d) => d.externalId === null));
  return {
    next: {
      checkpoint: page.checkpoint,
      pass: state.pass && !page.caughtUp,
      reconciledAt: passCompleted ? now.toISOString() : state.reconciledAt,
      driftFrom:
        drifted.length > 0 && state.driftFrom === null
          ? { checkpoint: state.checkpoint, at: now.toISOString() }
          : state.driftFrom,
      driftRetriedAt: state.driftRetriedAt,
      passBlind: passBlind && !passCompleted,
    },
    passCompleted,
    passBlind,
  };
}
