import { VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { listTagTypes } from '../servicetitan-job-record.util';
import { listAll } from '../servicetitan-list.util';
import { servicetitanNamedLookupSchema, type ServiceTitanNamedLookup } from '../servicetitan.schemas';
import { parseRow } from './write-readback.util';
import { sameText } from './write-values.util';

/*
 * The tenant's settings a write names by text and ServiceTitan takes by id: business units, job types,
 * campaigns, payment types, hold and cancel reasons, employees, tag types. Read fresh for each write
 * (a tenant renames and deactivates them).
 */

const client = new ServiceTitanClient();

/** A settings list (business units, job types, …), active rows in id order. */
export async function readLookup(
  ctx: WriteContext,
  module: string,
  resource: string,
): Promise<ServiceTitanNamedLookup[]> {
  return (await listAll(client, ctx, module, resource, {}))
    .map((raw) => parseRow(servicetitanNamedLookupSchema, raw, resource))
    .filter((row) => row.active !== false)
    .sort((a, b) => a.id - b.id);
}

/**
 * The id of the active setting named `name` (refused naming `field` when there is none), or, when the
 * command names none, the first active one (`prefer`red first): ServiceTitan requires these on a job.
 */
export async function pick(
  ctx: WriteContext,
  module: string,
  resource: string,
  name: string | undefined,
  field: string,
  prefer?: (row: ServiceTitanNamedLookup) => boolean,
): Promise<number> {
  const rows = await readLookup(ctx, module, resource);
  if (name !== undefined) {
    const found = rows.find((r) => sameText(r.name, name));
    if (!found) {
      throw new VendorWriteError(
        'validation_failed',
        `ServiceTitan has no active ${resource} named "${name}"`,
        {
          field,
        },
      );
    }
    return found.id;
  }
  const first = (prefer ? rows.find(prefer) : undefined) ?? rows[0];
  if (!first)
    throw new VendorWriteError('vendor_rejected', `ServiceTitan has no active ${resource}`, { field });
  return first.id;
}

/**
 * The ids of the tenant's active tag types named by `tags` (case-insensitive), in order. ServiceTitan's
 * API creates no tag types: a tag the tenant has not set up is refused naming it (`payload.tags[1]`).
 */
export async function tagTypeIdsOf(ctx: WriteContext, tags: readonly string[]): Promise<number[]> {
  if (tags.length === 0) return [];
  const tagTypes = (await listTagTypes(client, ctx)).filter((t) => t.active);
  return tags.map((tag, index) => {
    const found = tagTypes.find((t) => sameText(t.name, tag));
    if (!found) {
      throw new VendorWriteError(
        'validation_failed',
        `ServiceTitan has no active tag type named "${tag}" (tags are set up in the tenant's settings)`,
        { field: `payload.tags[${index}]` },
      );
    }
    return found.id;
  });
}
