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

/** A duration variable with a floor: `durationAtLeast(1_000, '1s').default(60_000)`. */
export const durationAtLeast = (minMs: number, label: string) =>
  durationMs.refine((ms) => ms >= minMs, { error: `must be at least ${label}` });

/** An integer variable within bounds, with its default: `integerEnv(1, 256, 8)`. */
export const integerEnv = (min: number, max: number, defaultValue: number) =>
  z.coerce
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(defaultValue);
