import { FIRST_PASS, scanStep, type ScanCheckpoint, type ScannedPage } from './watermark-scan.util';

/*
 * The `updated_at desc` scan against a vendor list modelled as Housecall Pro orders it (updated_at desc,
 * ties by id desc, pages of `size`), with records changing, arriving and leaving between page reads — the
 * hard cases of a scan without an updated-since filter. Each test runs passes until caught up and checks
 * that every record changed since the pass began is read at least once in its latest version.
 */

interface Row {
  id: number;
  updated_at: string;
}

const T0 = Date.UTC(2026, 2, 2, 18, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();

class VendorList {
  rows = new Map<number, Row>();
  constructor(readonly size: number) {}
  put(id: number, ms: number) {
    this.rows.set(id, { id, updated_at: at(ms) });
  }
  page(n: number): ScannedPage<Row> {
    const sorted = [...this.rows.values()].sort((a, b) =>
      a.updated_at === b.updated_at ? b.id - a.id : a.updated_at < b.updated_at ? 1 : -1,
    );
    return {
      rows: sorted.slice((n - 1) * this.size, n * this.size),
      page: n,
      totalPages: Math.ceil(sorted.length / this.size),
      totalItems: sorted.length,
    };
  }
}

/** Reads passes from `checkpoint` until caught up, calling `between(pageNo)` before each page read. */
function pass(
  list: VendorList,
  checkpoint: ScanCheckpoint,
  between: (pageNo: number) => void = () => undefined,
) {
  const read: Row[] = [];
  let cp = checkpoint;
  for (let guard = 0; guard < 1000; guard++) {
    between(cp.page);
    const step = scanStep(cp, list.page(cp.page), (r) => r.updated_at, 0);
    read.push(...step.rows);
    cp = step.checkpoint;
    if (step.caughtUp) return { read, checkpoint: cp };
  }
  throw new Error('the scan never caught up');
}

const latest = (read: Row[]) => {
  const out = new Map<number, string>();
  for (const r of read) if ((out.get(r.id) ?? '') < r.updated_at) out.set(r.id, r.updated_at);
  return out;
};

describe('the updated_at desc watermark scan', () => {
  it('backfills every row, then an incremental pass reads only what changed (ties at the watermark again)', () => {
    const list = new VendorList(10);
    for (let id = 1; id <= 95; id++) list.put(id, T0 + id * 1000);
    const backfill = pass(list, FIRST_PASS);
    expect(latest(backfill.read).size).toBe(95);
    expect(backfill.checkpoint.watermark).toBe(at(T0 + 95_000));

    list.put(7, T0 + 200_000);
    list.put(96, T0 + 201_000);
    const next = pass(list, backfill.checkpoint);
    // The two changes, and the row sitting exactly at the old watermark (inclusive bound).
    expect(next.read.map((r) => r.id).sort((a, b) => a - b)).toEqual([7, 95, 96]);
    expect(next.checkpoint.watermark).toBe(at(T0 + 201_000));
  });

  it('reads a burst of 250 rows sharing one updated_at whole, although pages cut through it', () => {
    const list = new VendorList(10);
    for (let id = 1; id <= 50; id++) list.put(id, T0 + id);
    const backfill = pass(list, FIRST_PASS);
    const burstAt = T0 + 60_000;
    for (let id = 1000; id < 1250; id++) list.put(id, burstAt);
    const next = pass(list, backfill.checkpoint);
    const ids = new Set(next.read.map((r) => r.id));
    expect([...Array.from({ length: 250 }, (_, i) => 1000 + i)].filter((id) => !ids.has(id))).toEqual([]);
    expect(next.checkpoint.watermark).toBe(at(burstAt));
    // The pass after it sees the burst again (its rows sit at the watermark) and nothing older.
    const again = pass(list, next.checkpoint);
    expect(new Set(again.read.map((r) => r.id)).size).toBe(250);
    expect(again.read.every((r) => r.id >= 1000)).toBe(true);
  });

  it('loses nothing while records change, arrive and leave between page reads', () => {
    const list = new VendorList(7);
    for (let id = 1; id <= 200; id++) list.put(id, T0 + id * 10);
    let clock = T0 + 10_000;
    let nextId = 201;
    const changedAfterStart = new Map<number, string>();
    const churn = (pageNo: number) => {
      if (pageNo === 1) return;
      // Between pages: one old record changes (moves to the front), one arrives, one leaves.
      clock += 5;
      const victim = 1 + ((pageNo * 37) % 200);
      if (list.rows.has(victim)) list.put(victim, clock);
      list.put(nextId++, clock);
      const gone = 1 + ((pageNo * 53) % 200);
      if (gone !== victim) list.rows.delete(gone);
      for (const r of list.rows.values())
        if (Date.parse(r.updated_at) > T0 + 10_000) changedAfterStart.set(r.id, r.updated_at);
    };
    const backfill = pass(list, FIRST_PASS, churn);
    const then = pass(list, backfill.checkpoint);
    const seen = latest([...backfill.read, ...then.read]);
    // Every row still listed has been read in its latest version.
    const missing = [...list.rows.values()].filter((r) => seen.get(r.id) !== r.updated_at).map((r) => r.id);
    expect(missing).toEqual([]);
    expect(changedAfterStart.size).toBeGreaterThan(0);
  });

  it('restarts a pass from page 1 when rows leave the list under it', () => {
    const list = new VendorList(10);
    for (let id = 1; id <= 30; id++) list.put(id, T0 + id);
    const first = scanStep(FIRST_PASS, list.page(1), (r) => r.updated_at, 0);
    expect(first.checkpoint.page).toBe(2);
    list.rows.delete(25); // on page 1: every row behind it moves up a place
    const second = scanStep(first.checkpoint, list.page(2), (r) => r.updated_at, 0);
    expect([second.caughtUp, second.checkpoint.page]).toEqual([false, 1]);
  });

  it('reads `overlap` before the watermark again', () => {
    const list = new VendorList(10);
    for (let id = 1; id <= 5; id++) list.put(id, T0 + id * 1000);
    const cp: ScanCheckpoint = { watermark: at(T0 + 5000), page: 1, passTop: null, total: null };
    const step = scanStep(cp, list.page(1), (r) => r.updated_at, 2000);
    expect(step.rows.map((r) => r.id)).toEqual([5, 4, 3]);
  });
});
