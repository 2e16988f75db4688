import { lowerBound, upperBound } from './world-binary-search.util';
import type { ChangeEntry, ChangeKind, ModifiedCursor } from './world-store.types';

/** What the log needs of a record: its identity and the version and time of its last write. */
interface Versioned {
  readonly id: number;
  readonly rowVersion: number;
  readonly modifiedOn: number;
}

export interface ModifiedRange {
  readonly after?: ModifiedCursor;
  readonly modifiedOnOrAfter?: number;
  readonly modifiedBefore?: number;
}

/**
 * One entity's change log: every write, in rowVersion order. Since the world clock never goes back, it
 * is ordered by modifiedOn too, so it is also the index of both change feeds (`changesSince` by
 * rowVersion, `byModified` by (modifiedOn, id)). An entry is current while its record still has its
 * rowVersion; `current` reads a record's latest state.
 */
export class WorldChangeLog<R extends Versioned> {
  private readonly rowVersions: number[] = [];
  private readonly ids: number[] = [];
  private readonly modifiedOns: number[] = [];
  private readonly kinds: ChangeKind[] = [];

  constructor(private readonly current: (id: number) => R) {}

  /** modifiedOn of the latest write (0 before any). */
  get lastModifiedOn(): number {
    return this.modifiedOns[this.modifiedOns.length - 1] ?? 0;
  }

  append(record: Versioned, kind: ChangeKind): void {
    this.rowVersions.push(record.rowVersion);
    this.ids.push(record.id);
    this.modifiedOns.push(record.modifiedOn);
    this.kinds.push(kind);
  }

  /** The raw log after `afterRowVersion` (every write, repeats included). */
  entries(afterRowVersion: number): ChangeEntry[] {
    const out: ChangeEntry[] = [];
    for (let i = upperBound(this.rowVersions, afterRowVersion); i < this.rowVersions.length; i++) {
      out.push({
        rowVersion: this.rowVersions[i] as number,
        id: this.ids[i] as number,
        modifiedOn: this.modifiedOns[i] as number,
        kind: this.kinds[i] as ChangeKind,
      });
    }
    return out;
  }

  /** Records written after `afterRowVersion`, each once in its latest state, in rowVersion order. */
  changesSince(
    afterRowVersion: number,
    limit: number,
  ): { records: R[]; continueFrom: number; hasMore: boolean } {
    const records: R[] = [];
    let continueFrom = afterRowVersion;
    let i = upperBound(this.rowVersions, afterRowVersion);
    for (; i < this.rowVersions.length && records.length < limit; i++) {
      const record = this.current(this.ids[i] as number);
      if (record.rowVersion !== this.rowVersions[i]) continue;
      records.push(record);
      continueFrom = record.rowVersion;
    }
    let hasMore = false;
    for (; i < this.rowVersions.length && !hasMore; i++) {
      hasMore = this.current(this.ids[i] as number).rowVersion === this.rowVersions[i];
    }
    return { records, continueFrom, hasMore };
  }

  /** Records in (modifiedOn, id) order within `range`; rows sharing one modifiedOn come in id order. */
  *byModified(range: ModifiedRange): Generator<R> {
    const after = range.after;
    const from = Math.max(range.modifiedOnOrAfter ?? 0, after?.modifiedOn ?? 0);
    const before = range.modifiedBefore ?? Number.POSITIVE_INFINITY;
    const mods = this.modifiedOns;
    let i = lowerBound(mods, from);
    while (i < mods.length) {
      const t = mods[i] as number;
      if (t >= before) return;
      const group: number[] = [];
      let j = i;
      for (; j < mods.length && mods[j] === t; j++) {
        const id = this.ids[j] as number;
        if (this.current(id).rowVersion === this.rowVersions[j]) group.push(id);
      }
      group.sort((a, b) => a - b);
      for (const id of group) {
        if (after && t === after.modifiedOn && id <= after.id) continue;
        yield this.current(id);
      }
      i = j;
    }
  }
}
