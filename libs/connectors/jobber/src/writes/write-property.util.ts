import type { Address } from '@fieldsync/canonical-model';
import { VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { jobberMutate } from '../jobber.client';
import type { FieldOf } from './write-errors.util';
import { jobberAddress } from './write-values.util';

/**
 * `propertyCreate`: properties at these addresses for the client, in order; their Jobber ids. `fieldOf`
 * names the command field of each vendor path (`input.properties.0.address…`).
 */
export async function createProperties(
  ctx: WriteContext,
  clientId: string,
  addresses: readonly Address[],
  fieldOf: FieldOf,
): Promise<string[]> {
  const payload = await jobberMutate(
    ctx,
    'FieldsyncPropertyCreate',
    `mutation FieldsyncPropertyCreate($clientId: EncodedId!, $input: PropertyCreateInput!) {
      propertyCreate(clientId: $clientId, input: $input) { properties { id } userErrors { message path } }
    }`,
    { clientId, input: { properties: addresses.map((address) => ({ address: jobberAddress(address) })) } },
    'propertyCreate',
    { fieldOf },
  );
  const ids = ((payload['properties'] as { id?: unknown }[] | null | undefined) ?? []).map((p) => p.id);
  if (ids.length !== addresses.length || ids.some((id) => typeof id !== 'string')) {
    throw new VendorWriteError(
      'vendor_rejected',
      `Jobber propertyCreate answered with ${ids.length} properties for ${addresses.length} addresses`,
    );
  }
  return ids as string[];
}
