import type { CommandOf, CommandTotalsInput } from '@fieldsync/canonical-model';
import {
  defineWrite,
  findMarker,
  VendorWriteError,
  withMarker,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { jobberMutate } from '../jobber.client';
import { JOBBER_CURRENCY } from '../mappers/mapping.util';
import { commandFields, createdId, lineFields } from './write-errors.util';
import { findSince, readQuote, updatedSince } from './write-readback.util';
import { assertTotals } from './write-totals.util';
import { assertCurrency, idOf, jobberLines, money, text } from './write-values.util';

/*
 * quote.create → `quoteCreate` (QuoteCreateAttributes: the job, a title, line items). Jobber makes the
 * quote on a job, at the job's property and for the job's client: `customerId` and `locationId` are
 * honoured by checking they are the job's. The title carries the command's marker (how `find` knows the
 * quote); the totals Jobber computes are checked against the command's.
 *
 * Not carried (refused by name): discounts and taxes (the input takes none; the property's tax rate
 * applies), a validity date, notes, sending, attachments, and a line's sku or tax code.
 */

type Payload = CommandOf<'quote.create'>['payload'];

function totalsInput(p: Payload): CommandTotalsInput {
  return { currency: p.currency, lineItems: p.lineItems };
}

async function quoteOutcome(
  ctx: WriteContext,
  command: CommandOf<'quote.create'>,
  quoteId: string,
): Promise<WriteOutcome<'quote.create'>> {
  const { quote, record } = await readQuote(ctx, quoteId);
  assertTotals('quote', quote.quoteNumber, totalsInput(command.payload), quote.amounts);
  return {
    records: [record],
    result: {
      estimateId: idOf(ctx, 'estimate', quote.id),
      number: quote.quoteNumber,
      currency: JOBBER_CURRENCY,
      total: money(quote.amounts.total),
    },
  };
}

/** The job the quote is made on, checked to be the command's customer's and at its location. */
async function jobOf(ctx: WriteContext, p: Payload): Promise<string> {
  if (p.jobId === undefined) {
    throw new VendorWriteError('validation_failed', 'Jobber makes a quote on a job: give payload.jobId', {
      field: 'payload.jobId',
    });
  }
  const job = await ctx.resolve(p.jobId, 'payload.jobId');
  const { customerId, locationId } = job.document as { customerId?: string; locationId?: string | null };
  if (customerId !== undefined && customerId !== p.customerId) {
    throw new VendorWriteError('validation_failed', 'the job belongs to another customer', {
      field: 'payload.jobId',
    });
  }
  if (p.locationId !== undefined && locationId !== p.locationId) {
    throw new VendorWriteError('validation_failed', "Jobber makes the quote at its job's property", {
      field: 'payload.locationId',
    });
  }
  return job.externalId;
}

export const quoteCreateWrite = defineWrite('quote.create', {
  carries: [
    'customerId',
    'locationId',
    'jobId',
    'title',
    'currency',
    'lineItems[].pricebookItemId',
    'lineItems[].name',
    'lineItems[].description',
    'lineItems[].quantity',
    'lineItems[].unitPrice',
    'lineItems[].taxable',
  ],

  async find(ctx, command) {
    const nodes = await updatedSince(ctx, 'quotes', 'QuoteFilterAttributes', ['id', 'title'], findSince(ctx));
    const match = nodes.find((n) => findMarker(text(n['title'])) === ctx.marker);
    return match ? quoteOutcome(ctx, command, match['id'] as string) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const jobId = await jobOf(ctx, p);
    const payload = await jobberMutate(
      ctx,
      'FieldsyncQuoteCreate',
      `mutation FieldsyncQuoteCreate($attributes: QuoteCreateAttributes!) {
        quoteCreate(attributes: $attributes) { quote { id } userErrors { message path } }
      }`,
      {
        attributes: {
          jobId,
          title: withMarker(p.title ?? null, ctx.marker),
          lineItems: await jobberLines(ctx, p.lineItems),
        },
      },
      'quoteCreate',
      { fieldOf: commandFields({ 'attributes.jobId': 'payload.jobId', ...lineFields('attributes') }) },
    );
    return quoteOutcome(ctx, command, createdId(payload, 'quote', 'quoteCreate'));
  },
});
