import { z } from 'zod';

/**
 * CloudEvents' `sequence` extension is a String that MUST order correctly under plain string comparison.
 * fieldsync's per-connection sequence is a positive integer (the `change_events` row's sequence), written
 * as 16 zero-padded decimal digits (`"0000000000000042"`), enough for every safe integer, so string order
 * equals numeric order. Use `formatSequence`/`parseSequence`, never String(n).
 */
export const SEQUENCE_WIDTH = 16;

export const sequenceSchema = z
  .string()
  .regex(/^\d{16}$/, 'sequence must be 16 zero-padded decimal digits')
  .refine(
    (value) => Number.isSafeInteger(Number(value)) && Number(value) > 0,
    'sequence must be a positive safe integer',
  );

export function formatSequence(sequence: number | bigint): string {
  const value = Number(sequence);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`sequence must be a positive safe integer, got ${String(sequence)}`);
  }
  return String(value).padStart(SEQUENCE_WIDTH, '0');
}

export function parseSequence(sequence: string): number {
  return Number(sequenceSchema.parse(sequence));
}
