import type { StoredRecord } from '@fieldsync/sandbox-world';

/** The `externalData` key of a job converted from a quote (`jobCreate(input: {quoteId})`): the quote's id. */
export const JOBBER_QUOTE_LINK = 'jobber.quoteId';

/** The quote a job was converted from, if any. */
export function linkedQuoteId(j: StoredRecord<'job'>): number | undefined {
  const value = j.externalData.find((e) => e.key === JOBBER_QUOTE_LINK)?.value;
  return value === undefined ? undefined : Number(value);
}
