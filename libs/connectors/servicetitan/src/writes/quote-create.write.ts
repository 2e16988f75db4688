import type { CommandOf } from '@fieldsync/canonical-model';
import {
  VendorWriteError,
  defineWrite,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { listAll } from '../servicetitan-list.util';
import { servicetitanEstimateSchema, type ServiceTitanEstimate } from '../servicetitan.schemas';
import { estimateTotalsMismatch, expectedTotals } from './write-totals.util';
import { parseRow, readBackEstimate, readEstimate } from './write-readback.util';
import { assertCurrency, cid, itemOf, lineSkus, major, resolveId } from './write-values.util';

/*
 * quote.create → sales `Estimates_Create` (CreateEstimateRequest) on the command's job: the title as its
 * name, the notes as its summary, the lines as items (price book item, SKU, name and description, quantity,
 * unit price), the tax the `taxes` come to on the `taxable` lines as its `tax`, and the command's marker as
 * an external link, which `find` looks for. `customerId` and `locationId` are honoured by checking them
 * against the job's (a ServiceTitan estimate belongs to its job); `currency` must be the tenant's. The
 * items read back must come to the computed subtotal.
 *
 * Not carried, so refused by name: discount (the API's estimate items take no price modifier), validUntil
 * (CreateEstimateRequest has no expiry), send and attachmentIds (the API neither emails an estimate nor
 * attaches files to it), lineItems[].taxCode (items have no tax code).
 */

const client = new ServiceTitanClient();
const MARKER_URL = 'https://fieldsync.invalid/m/';

type Payload = CommandOf<'quote.create'>['payload'];

/** Vendor request field → command field, for ServiceTitan's refusals. */
const FIELDS = {
  jobId: 'payload.jobId',
  items: 'payload.lineItems',
  name: 'payload.title',
  summary: 'payload.notes',
  tax: 'payload.taxes',
} as const;

const markerUrl = (marker: string): string => `${MARKER_URL}${marker}`;

function hasMarkerLink(links: readonly unknown[], marker: string): boolean {
  return links.some(
    (l) => typeof l === 'object' && l !== null && (l as { url?: unknown }).url === markerUrl(marker),
  );
}

/** The job the estimate goes on, checked against the command's customer and location. */
async function jobOf(ctx: WriteContext, p: Payload): Promise<number> {
  if (p.jobId === undefined) {
    throw new VendorWriteError(
      'validation_failed',
      'ServiceTitan estimates belong to a job: jobId is required',
      {
        field: 'payload.jobId',
      },
    );
  }
  const job = await ctx.resolve(p.jobId, 'payload.jobId');
  const document = job.document as { customerId?: unknown; locationId?: unknown };
  if (document.customerId !== p.customerId) {
    throw new VendorWriteError('validation_failed', "customerId is not the job's customer", {
      field: 'payload.customerId',
    });
  }
  if (p.locationId !== undefined && document.locationId !== p.locationId) {
    throw new VendorWriteError('validation_failed', "locationId is not the job's location", {
      field: 'payload.locationId',
    });
  }
  return Number(job.externalId);
}

export const quoteCreateWrite = defineWrite('quote.create', {
  carries: [
    'customerId',
    'locationId',
    'jobId',
    'title',
    'currency',
    'lineItems[].pricebookItemId',
    'lineItems[].sku',
    'lineItems[].name',
    'lineItems[].description',
    'lineItems[].quantity',
    'lineItems[].unitPrice',
    'lineItems[].taxable',
    'taxes',
    'notes',
  ],

  async find(ctx, command) {
    if (command.payload.jobId === undefined) return null;
    const jobId = await resolveId(ctx, command.payload.jobId, 'payload.jobId');
    const rows = await listAll(client, ctx, 'sales', 'estimates', { jobId: String(jobId), active: 'Any' });
    const match = rows
      .map((raw) => parseRow(servicetitanEstimateSchema, raw, 'estimate'))
      .find((e) => hasMarkerLink(e.externalLinks, ctx.marker));
    return match ? outcomeOf(ctx, match, command.payload.currency) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const jobId = await jobOf(ctx, p);
    const skus = await lineSkus(ctx, p.lineItems);
    const totals = expectedTotals({
      currency: p.currency,
      lineItems: p.lineItems,
      ...(p.taxes ? { taxes: p.taxes } : {}),
    });
    const created = (await client.post(
      ctx,
      'sales',
      'estimates',
      {
        jobId,
        name: p.title ?? null,
        summary: p.notes ?? null,
        ...(p.taxes ? { tax: major(totals.tax, p.currency) } : {}),
        items: p.lineItems.map((line, i) => itemOf(line, skus[i])),
        externalLinks: [{ name: 'fieldsync', url: markerUrl(ctx.marker) }],
      },
      FIELDS,
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST estimates: the answer has no id');
    const estimate = await readEstimate(ctx, created.id);
    const wrong = estimateTotalsMismatch(
      totals,
      estimate.items.map((item) => item.total),
      p.currency,
    );
    if (wrong !== undefined) {
      throw new VendorWriteError('vendor_rejected', `ServiceTitan estimate ${created.id}: ${wrong}`, {
        field: 'payload.lineItems',
      });
    }
    return outcomeOf(ctx, estimate, p.currency);
  },
});

async function outcomeOf(
  ctx: WriteContext,
  estimate: ServiceTitanEstimate,
  currency: string,
): Promise<WriteOutcome<'quote.create'>> {
  const { record, total } = await readBackEstimate(ctx, estimate, currency);
  return {
    records: [record],
    result: { estimateId: cid(ctx, 'estimate', estimate.id), number: null, currency, total },
  };
}
