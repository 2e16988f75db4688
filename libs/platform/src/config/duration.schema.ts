import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_RE = /^(\d+)(ms|s|m|h|d)?$/;

/** A duration as `<integer><unit>` (`ms`, `s`, `m`, `h`, `d`; no unit = milliseconds), parsed to milliseconds. */
export const durationMs = z.string().transform((value, ctx) => {
  const match = DURATION_RE.exec(value.trim());
  const amount = match?.[1];
  if (!match || amount === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 500ms, 30s, 2m, 24h or 7d' });
    return z.NEVER;
  }
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MS;
  return Number(amount) * UNIT_MS[unit];
});
