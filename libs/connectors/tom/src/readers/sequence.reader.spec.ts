import type { ReadPage, StreamReader, SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import pino from 'pino';
import { TomSequenceReader } from './sequence.reader';

/*
 * The invoices stream reads /Invoices, then /CreditMemos, under one checkpoint: pages of grids scripted
 * here (each "page" is a list of keys; the grid's checkpoint is the page number it reads next, `since`
 * once it has read its last page).
 */

function grid(
  pages: readonly (readonly string[])[],
  total: number,
): StreamReader & { asked: (string | null)[] } {
  const asked: (string | null)[] = [];
  return {
    stream: 'invoices',
    entities: ['invoice'],
    intervalMs: 60_000,
    signalsDeletes: false,
    asked,
    readPage(_ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
      asked.push(checkpoint);
      const page = checkpoint === null || checkpoint === 'since' ? 0 : Number(checkpoint);
      const keys = checkpoint === 'since' ? [] : (pages[page] ?? []);
      const more = checkpoint !== 'since' && page < pages.length - 1;
      const records: VendorRecord[] = keys.map((key) => ({
        kind: 'record',
        entity: 'invoice',
        externalId: key,
        raw: { key },
        deleted: false,
      }));
      return Promise.resolve({
        records,
        checkpoint: more ? String(page + 1) : 'since',
        caughtUp: !more,
        ...(checkpoint === null || checkpoint !== 'since' ? { total } : {}),
      });
    },
  };
}

const ctx = { logger: pino({ level: 'silent' }) } as unknown as SyncContext;

describe('TomSequenceReader', () => {
  it('reads every invoice page, then every credit memo page (ids CM-<n>), caught up only after the last', async () => {
    const invoices = grid([['INV-1', 'INV-2'], ['INV-3']], 3);
    const credits = grid([['9001'], ['9002']], 2);
    const reader = new TomSequenceReader('invoices', 60_000, [
      { reader: invoices },
      { reader: credits, externalId: (key) => `CM-${key}` },
    ]);
    expect(reader.entities).toEqual(['invoice']);
    const seen: string[] = [];
    const caughtUp: boolean[] = [];
    const totals: (number | undefined)[] = [];
    let checkpoint: string | null = null;
    for (let i = 0; i < 4; i++) {
      const page = await reader.readPage(ctx, checkpoint);
      seen.push(...page.records.map((r) => r.externalId ?? '?'));
      caughtUp.push(page.caughtUp);
      totals.push(page.total);
      checkpoint = page.checkpoint;
    }
    expect(seen).toEqual(['INV-1', 'INV-2', 'INV-3', 'CM-9001', 'CM-9002']);
    expect(caughtUp).toEqual([false, false, false, true]);
    expect(totals).toEqual([3, 3, 5, 5]);
    // The next pass from this checkpoint: each grid from its own incremental checkpoint.
    const next = await reader.readPage(ctx, checkpoint);
    expect([next.records.length, next.caughtUp, invoices.asked.at(-1)]).toEqual([0, false, 'since']);
    const last = await reader.readPage(ctx, next.checkpoint);
    expect([last.caughtUp, credits.asked.at(-1)]).toEqual([true, 'since']);
  });

  it('a pass from the start reads both grids from the start; a checkpoint of another shape restarts it', async () => {
    const invoices = grid([['INV-1']], 1);
    const credits = grid([['9001']], 1);
    const reader = new TomSequenceReader('invoices', 60_000, [
      { reader: invoices },
      { reader: credits, externalId: (key) => `CM-${key}` },
    ]);
    // An invoices grid checkpoint from before credit memos were read.
    const old = JSON.stringify({ mode: 'since', page: 1, since: '2026-03-01', watermark: null });
    const page = await reader.readPage(ctx, old);
    expect(page.records.map((r) => r.externalId)).toEqual(['INV-1']);
    expect(invoices.asked).toEqual([null]);
    await reader.readPage(ctx, page.checkpoint);
    expect(credits.asked).toEqual([null]);
  });
});
