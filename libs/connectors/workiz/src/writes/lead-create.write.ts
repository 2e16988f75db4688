import { defineWrite, findMarker, withMarker, type WriteContext } from '@fieldsync/connector-kit';
import type { CommandOf } from '@fieldsync/canonical-model';
import { z } from 'zod';
import { FULL_START, localDateBefore } from '../readers/paging.util';
import { workizClient } from '../workiz.readers';
import { workizLeadSchema, workizListSchema, workizOneSchema } from '../workiz.schemas';
import { vendorCall } from './write-errors.util';
import { readLead, type WriteRecord } from './write-readback.util';
import { idOf, workizAddress, workizLocal } from './write-values.util';

/*
 * lead.create → `lead/create/` (Developer API): a name or company, phone, email, address, the job type
 * asked for (`LeadType`), its source and the time the caller would like (`LeadDateTime`), the summary in
 * the lead's notes with the command's marker on its last line (`find` looks for it among the leads created
 * since the command's first attempt). Workiz's lead form has no client link or tags: `customerId` and
 * `tags` are not carried (refused by name).
 */

const FIELDS = {
  LeadType: 'payload.jobType',
  LeadSource: 'payload.source',
  FirstName: 'payload.firstName',
  LastName: 'payload.lastName',
  Company: 'payload.companyName',
  Phone: 'payload.phone',
  Email: 'payload.email',
  Address: 'payload.address.line1',
  City: 'payload.address.city',
  State: 'payload.address.region',
  PostalCode: 'payload.address.postalCode',
  LeadDateTime: 'payload.requestedStart',
  Comments: 'payload.summary',
} as const;

async function outcome(ctx: WriteContext, lead: WriteRecord) {
  const serial = (lead.raw as { SerialId: number }).SerialId;
  return { records: [lead], result: { leadId: idOf(ctx, 'lead', lead.externalId), number: String(serial) } };
}

export const leadCreateWrite = defineWrite('lead.create', {
  carries: [
    'firstName',
    'lastName',
    'companyName',
    'email',
    'phone',
    'address',
    'jobType',
    'source',
    'requestedStart',
    'summary',
  ],

  /** The lead carrying the marker, among those created from a day before the first attempt on. */
  async find(ctx, command: CommandOf<'lead.create'>) {
    const { timezone } = await workizClient.apiAccess(ctx);
    const from = localDateBefore(ctx.firstAttemptAt, 1, timezone);
    for (let offset = 0, guard = 0; guard < 50; guard++) {
      const page = workizListSchema.parse(
        await workizClient.apiGet(ctx, '/lead/all/', {
          records: '100',
          offset: String(offset),
          only_open: 'false',
          start_date: from < FULL_START ? FULL_START : from,
        }),
      );
      for (const row of page.data) {
        const lead = workizLeadSchema.safeParse(row);
        if (lead.success && findMarker(lead.data.LeadNotes) === ctx.marker) {
          return outcome(ctx, await readLead(ctx, lead.data.UUID));
        }
      }
      if (!page.has_more) return null;
      offset += page.data.length;
    }
    void command;
    return null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    const { timezone } = await workizClient.apiAccess(ctx);
    const address = p.address ? workizAddress(p.address, 'payload.address') : undefined;
    const body = {
      LeadType: p.jobType,
      ...(p.source !== undefined ? { LeadSource: p.source } : {}),
      ...(p.firstName !== undefined ? { FirstName: p.firstName } : {}),
      ...(p.lastName !== undefined ? { LastName: p.lastName } : {}),
      ...(p.companyName !== undefined ? { Company: p.companyName } : {}),
      ...(p.phone !== undefined ? { Phone: p.phone } : {}),
      ...(p.email !== undefined ? { Email: p.email } : {}),
      ...(address
        ? {
            Address: address.address,
            Unit: address.unit,
            City: address.city,
            State: address.state,
            PostalCode: address.zip,
          }
        : {}),
      ...(p.requestedStart !== undefined ? { LeadDateTime: workizLocal(p.requestedStart, timezone) } : {}),
      Comments: withMarker(p.summary, ctx.marker),
    };
    const created = workizOneSchema.parse(
      await vendorCall('lead/create', FIELDS, () => workizClient.apiPost(ctx, '/lead/create/', body)),
    );
    const uuid = z.object({ UUID: z.string().min(1) }).parse(created.data).UUID;
    return outcome(ctx, await readLead(ctx, uuid));
  },
});
