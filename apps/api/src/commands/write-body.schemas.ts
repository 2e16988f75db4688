import { parseCanonicalId, type Address } from '@fieldsync/canonical-model';
import { z } from 'zod';

/** An address as the product pages send it: `line1` and whatever else is known. */
export const addressInputSchema = z
  .strictObject({
    line1: z.string().trim().min(1, 'must not be empty').max(500),
    line2: z.string().max(500).nullish(),
    city: z.string().max(200).nullish(),
    region: z.string().max(200).nullish(),
    postalCode: z.string().max(50).nullish(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US')
      .nullish(),
  })
  .meta({ id: 'AddressInput' });

export function addressFromInput(input: z.output<typeof addressInputSchema>): Address {
  return {
    line1: input.line1,
    line2: input.line2 ?? null,
    city: input.city ?? null,
    region: input.region ?? null,
    postalCode: input.postalCode ?? null,
    country: input.country ?? null,
    geo: null,
  };
}

/** A line as the product pages send it; `itemId` is a pricebook item's canonical id or the vendor's SKU. */
export const lineItemInputSchema = z
  .strictObject({
    itemId: z.string().min(1).max(200).optional(),
    serviceId: z.string().min(1).max(200).optional(),
    name: z.string().max(500).optional(),
    description: z.string().max(5000),
    quantity: z.number().gt(0, 'must be greater than zero'),
    unitPrice: z.number(),
    taxCode: z.string().max(100).optional(),
    taxable: z.boolean().optional(),
  })
  .meta({ id: 'LineItemInput' });

export function lineFromInput(line: z.output<typeof lineItemInputSchema>): Record<string, unknown> {
  const item = line.itemId ?? line.serviceId;
  const isCanonical = item !== undefined && parseCanonicalId(item)?.entity === 'pricebook_item';
  return {
    ...(item === undefined ? {} : isCanonical ? { pricebookItemId: item } : { sku: item }),
    ...(line.name === undefined ? {} : { name: line.name }),
    description: line.description,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    ...(line.taxCode === undefined ? {} : { taxCode: line.taxCode }),
    ...(line.taxable === undefined ? {} : { taxable: line.taxable }),
  };
}

export const timestampInput = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp' });
export const dateInput = z.iso.date({ error: 'expected a date YYYY-MM-DD' });

/** Only the keys whose value is defined (payloads are strict: an explicit undefined is no field). */
export function defined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
