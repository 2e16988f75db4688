import type { CommandOf } from '@fieldsync/canonical-model';
import { VendorWriteError, defineWrite, type WriteContext } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { listAll } from '../servicetitan-list.util';
import { servicetitanLocationSchema } from '../servicetitan.schemas';
import { bookingsOf } from './write-bookings.util';
import { pick, tagTypeIdsOf } from './write-lookups.util';
import { parseRow, readBackJob } from './write-readback.util';
import { resolveId, sameText, since, windowOf } from './write-values.util';

/*
 * job.create → jpm `Jobs_Create` (JobCreateRequest): the customer and one of its locations (named, or
 * found by the service address), business unit, job type and campaign by name (else the tenant's first
 * active ones: ServiceTitan requires them), priority, the title and description as the summary, the first
 * appointment with its technicians, the tags as `tagTypeIds` (resolved through settings `tag-types`), and
 * the command's marker in `externalData` under fieldsync's application guid, which `find` looks for.
 * `allowOverlap` is honoured by the writer's conflict check (`bookings`); ServiceTitan itself still
 * refuses a double booking (schedule_conflict).
 *
 * Not carried, so refused by name: lineItems and currency (a ServiceTitan job has no items: they go on
 * its invoice or estimate), customFields (JobCreateRequest takes them by custom field type id, and the
 * published API has no list of a tenant's job custom field types to resolve names with), notes (a job's
 * notes are a separate resource the read side does not read).
 */

/** fieldsync's application guid for ServiceTitan `externalData` (constant: every tenant, every release). */
export const FIELDSYNC_APPLICATION_GUID = '6f1c2d4e-8a3b-4c5d-9e7f-a1b2c3d4e5f6';
export const MARKER_KEY = 'fieldsync.marker';

const client = new ServiceTitanClient();

type Payload = CommandOf<'job.create'>['payload'];

/** Vendor request field → command field, for ServiceTitan's refusals. */
const FIELDS = {
  customerId: 'payload.customerId',
  locationId: 'payload.locationId',
  businessUnitId: 'payload.businessUnit',
  jobTypeId: 'payload.jobType',
  campaignId: 'payload.source',
  priority: 'payload.priority',
  summary: 'payload.title',
  tagTypeIds: 'payload.tags',
  'appointments.technicianIds': 'payload.technicianIds',
  appointments: 'payload.appointment',
  technicianIds: 'payload.technicianIds',
} as const;

const PRIORITY = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' } as const;

/**
 * The job's location: `locationId`, whose address must then be the `serviceAddress` when both are given,
 * else the customer's location at the service address (street and ZIP code).
 */
async function locationFor(ctx: WriteContext, customerId: number, p: Payload): Promise<number> {
  const address = p.serviceAddress;
  const at = (l: { address: { street: string | null; zip: string | null } }): boolean =>
    address !== undefined &&
    sameText(l.address.street, address.line1) &&
    sameText(l.address.zip, address.postalCode);
  if (p.locationId !== undefined) {
    const resolved = await ctx.resolve(p.locationId, 'payload.locationId');
    if (address !== undefined && !at(parseRow(servicetitanLocationSchema, resolved.raw, 'location'))) {
      throw new VendorWriteError(
        'validation_failed',
        'the service address is not the address of locationId',
        {
          field: 'payload.serviceAddress',
        },
      );
    }
    return Number(resolved.externalId);
  }
  const rows = (await listAll(client, ctx, 'crm', 'locations', { customerId: String(customerId) })).map(
    (raw) => parseRow(servicetitanLocationSchema, raw, 'location'),
  );
  const found = rows.find(at);
  if (!found) {
    throw new VendorWriteError(
      'validation_failed',
      "ServiceTitan books a job at one of the customer's locations; none has this service address",
      { field: 'payload.serviceAddress' },
    );
  }
  return found.id;
}

export const jobCreateWrite = defineWrite('job.create', {
  carries: [
    'customerId',
    'locationId',
    'serviceAddress',
    'title',
    'description',
    'jobType',
    'priority',
    'source',
    'businessUnit',
    'appointment',
    'technicianIds',
    'allowOverlap',
    'tags',
  ],

  async find(ctx, command) {
    const customerId = await resolveId(ctx, command.payload.customerId, 'payload.customerId');
    const rows = await listAll(client, ctx, 'jpm', 'jobs', {
      customerId: String(customerId),
      createdOnOrAfter: since(ctx),
      externalDataApplicationGuid: FIELDSYNC_APPLICATION_GUID,
    });
    const match = rows.find((raw) =>
      ((raw as { externalData?: { key: string; value: string }[] | null }).externalData ?? []).some(
        (e) => e.key === MARKER_KEY && e.value === ctx.marker,
      ),
    );
    return match ? readBackJob(ctx, (match as { id: number }).id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.appointment === undefined) {
      throw new VendorWriteError('validation_failed', 'ServiceTitan books a job with its first appointment', {
        field: 'payload.appointment',
      });
    }
    const customerId = await resolveId(ctx, p.customerId, 'payload.customerId');
    const locationId = await locationFor(ctx, customerId, p);
    const technicianIds: number[] = [];
    for (const [i, t] of (p.technicianIds ?? []).entries()) {
      technicianIds.push(await resolveId(ctx, t, `payload.technicianIds[${i}]`));
    }
    const tagTypeIds = await tagTypeIdsOf(ctx, p.tags ?? []);
    const businessUnitId = await pick(
      ctx,
      'settings',
      'business-units',
      p.businessUnit,
      'payload.businessUnit',
    );
    const jobTypeId = await pick(ctx, 'jpm', 'job-types', p.jobType, 'payload.jobType', (t) =>
      (t.businessUnitIds ?? []).includes(businessUnitId),
    );
    const campaignId = await pick(ctx, 'marketing', 'campaigns', p.source, 'payload.source');
    const created = (await client.post(
      ctx,
      'jpm',
      'jobs',
      {
        customerId,
        locationId,
        businessUnitId,
        jobTypeId,
        campaignId,
        priority: PRIORITY[p.priority ?? 'normal'],
        // ServiceTitan's job has one text: the title, then the description after a blank line.
        summary: p.description ? `${p.title}\n\n${p.description}` : p.title,
        appointments: [{ ...windowOf(p.appointment), technicianIds }],
        ...(tagTypeIds.length > 0 ? { tagTypeIds: [...new Set(tagTypeIds)] } : {}),
        externalData: {
          applicationGuid: FIELDSYNC_APPLICATION_GUID,
          externalData: [{ key: MARKER_KEY, value: ctx.marker }],
        },
      },
      FIELDS,
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST jobs: the answer has no id');
    return readBackJob(ctx, created.id);
  },

  async bookings(ctx, command) {
    const p = command.payload;
    if (!p.appointment || !p.technicianIds?.length) return [];
    const ids = await Promise.all(
      p.technicianIds.map(async (t, i) => ({
        canonical: t,
        id: await resolveId(ctx, t, `payload.technicianIds[${i}]`),
      })),
    );
    return bookingsOf(ctx, ids, windowOf(p.appointment), undefined);
  },
});
