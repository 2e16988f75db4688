import type { Address, Email, Phone } from '@fieldsync/canonical-model';
import { z } from 'zod';

/** The product pages' postal address. */
export const addressSchema = z
  .strictObject({
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string().nullable(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable().describe('ISO 3166-1 alpha-2'),
  })
  .meta({ id: 'Address' });

export const geocodeSchema = z.strictObject({ lat: z.number(), lon: z.number() }).meta({ id: 'Geocode' });

/** Decimal amount with two places in the resource's currency (`1403.00` travels as 1403). */
export const amountSchema = z.number();
export const timestampField = z.string().describe('ISO 8601 UTC');
export const dateField = z.string().describe('YYYY-MM-DD');

/** Fields every item carries beside its own id. */
export const provenanceShape = {
  connectionId: z.string().describe('The connection (the product pages’ integration) it was read from'),
  vendor: z.string(),
  createdAt: timestampField,
  updatedAt: timestampField,
};

export function provenance(doc: {
  connectionId: string;
  vendor: string;
  createdAt: string;
  updatedAt: string;
}) {
  return {
    connectionId: doc.connectionId,
    vendor: doc.vendor,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function addressOf(address: Address): z.input<typeof addressSchema>;
export function addressOf(address: Address | null): z.input<typeof addressSchema> | null;
export function addressOf(address: Address | null): z.input<typeof addressSchema> | null {
  if (!address) return null;
  const { line1, line2, city, region, postalCode, country } = address;
  return { line1, line2, city, region, postalCode, country };
}

export const emailAddresses = (emails: readonly Email[]): string[] => emails.map((email) => email.address);
export const phoneNumbers = (phones: readonly Phone[]): string[] =>
  phones.map((phone) => phone.e164 ?? phone.number);

/** `YYYY-MM-DD` and `HH:MM` of an ISO timestamp, in UTC. */
export function dateOf(timestamp: string | null): string | null {
  return timestamp === null ? null : new Date(timestamp).toISOString().slice(0, 10);
}
export function timeOf(timestamp: string | null): string | null {
  return timestamp === null ? null : new Date(timestamp).toISOString().slice(11, 16);
}
