import { z } from 'zod';

/** Body of `POST /__sandbox/faults`: every key optional; the keys given replace the current ones. */
export const faultsInputSchema = z
  .object({
    /** Seed of the PRNG behind the rates (default SANDBOX_SEED); the sequence restarts on every POST. */
    seed: z.number().int().optional(),
    /** 429 with `Retry-After`: on a fraction of requests (`rate`) or on the next `next` requests. */
    rateLimit: z
      .object({
        rate: z.number().min(0).max(1).optional(),
        next: z.number().int().min(1).optional(),
        retryAfterSeconds: z.number().int().min(0).max(86_400).default(1),
        /** `seconds` (`Retry-After: 2`) or `http-date` (`Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`). */
        retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
      })
      .strict()
      .refine((r) => (r.rate === undefined) !== (r.next === undefined), {
        message: 'give exactly one of rate or next',
      })
      .nullable()
      .optional(),
    /** 5xx on a fraction of requests. */
    serverError: z
      .object({
        rate: z.number().min(0).max(1),
        status: z.number().int().min(500).max(599).default(503),
      })
      .strict()
      .nullable()
      .optional(),
    /** Added to every data/API response. */
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    /** JSON keys renamed in data/API responses, at any depth (`{ from: 'modifiedOn', to: 'modifiedAt' }`). */
    drift: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) }).strict()).optional(),
    /** `changed`: the login pages use other field names, ids, labels and button texts. */
    loginPage: z.enum(['standard', 'changed']).optional(),
  })
  .strict();
export type FaultsInput = z.input<typeof faultsInputSchema>;
export type FaultsParsed = z.output<typeof faultsInputSchema>;

export interface ActiveFaults {
  seed: number;
  rateLimit: {
    rate?: number;
    next?: number;
    retryAfterSeconds: number;
    retryAfterFormat: 'seconds' | 'http-date';
  } | null;
  serverError: { rate: number; status: number } | null;
  latencyMs: number;
  drift: { from: string; to: string }[];
  loginPage: 'standard' | 'changed';
}
