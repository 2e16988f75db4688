import type { CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  findMarker,
  VendorWriteError,
  withMarker,
  type WriteContext,
} from '@fieldsync/connector-kit';
import { tomWorkOrderSchema } from '../tom.schemas';
import { utcToTomDateTime } from '../tom-time.util';
import { findInGrid, idOf, readDetail, submitForm, unsupported, type WriteRecord } from './write-forms.util';

/*
 * job.create → New Work Order for a Customer:Job (the location): description (the title), type, department
 * (business unit), priority, the window's start and duration, the technicians, notes, and the command's
 * marker in User Defined 1 (`find` looks for it in the work orders grid). TOM needs a type. Not carried:
 * a service address without a location, arrival windows, line items, tags, custom fields, source.
 */

type Command = CommandOf<'job.create'>;

const FIELDS = {
  JobID: 'payload.locationId',
  Description: 'payload.title',
  Type: 'payload.jobType',
  Department: 'payload.businessUnit',
  Priority: 'payload.priority',
  Start: 'payload.appointment.scheduledStart',
  Duration: 'payload.appointment.durationMinutes',
  TechnicianIDs: 'payload.technicianIds',
  Notes: 'payload.notes',
};

/** Minutes of a command window (scheduledEnd or durationMinutes). */
export function minutesOf(window: {
  scheduledStart: string;
  scheduledEnd?: string;
  durationMinutes?: number;
}): number {
  return (
    window.durationMinutes ??
    Math.round((Date.parse(window.scheduledEnd ?? '') - Date.parse(window.scheduledStart)) / 60_000)
  );
}

async function outcome(ctx: WriteContext, number: string) {
  const job = await readDetail(ctx, '/WorkOrders', number, 'job', tomWorkOrderSchema, 'payload');
  const records: WriteRecord[] = [job];
  const scheduled = (job.raw as { fields: { Start: string } }).fields.Start !== '';
  if (scheduled) records.push({ ...job, entity: 'appointment' });
  return {
    records,
    result: {
      jobId: idOf(ctx, 'job', number),
      appointmentId: scheduled ? idOf(ctx, 'appointment', number) : null,
      number,
    },
  };
}

async function technicianIds(ctx: WriteContext, command: Command): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, id] of (command.payload.technicianIds ?? []).entries()) {
    ids.push((await ctx.resolve(id, `payload.technicianIds[${String(i)}]`)).externalId);
  }
  return ids;
}

export const jobCreateWrite = defineWrite('job.create', {
  carries: [
    'customerId',
    'locationId',
    'title',
    'jobType',
    'priority',
    'businessUnit',
    'appointment.scheduledStart',
    'appointment.scheduledEnd',
    'appointment.durationMinutes',
    'technicianIds',
    'allowOverlap',
    'notes',
  ],
  async find(ctx) {
    const key = await findInGrid(
      ctx,
      '/WorkOrders',
      ctx.firstAttemptAt,
      (f) => findMarker(f['User Defined 1']) === ctx.marker,
    );
    return key === null ? null : outcome(ctx, key);
  },
  async execute(ctx, command) {
    const p = command.payload;
    if (p.locationId === undefined)
      throw unsupported('payload.serviceAddress', 'a TOM work order is for a Customer:Job (give locationId)');
    if (p.jobType === undefined) {
      throw new VendorWriteError(
        'validation_failed',
        'Total Office Manager needs a work order type (payload.jobType)',
        {
          field: 'payload.jobType',
        },
      );
    }
    if (p.notes !== undefined && p.appointment === undefined) {
      throw unsupported(
        'payload.notes',
        'TOM keeps a work order’s notes on its scheduled visit (give an appointment)',
      );
    }
    const location = await ctx.resolve(p.locationId, 'payload.locationId');
    const customer = await ctx.resolve(p.customerId, 'payload.customerId');
    if ((location.document as { customerId?: string }).customerId !== customer.document.id) {
      throw new VendorWriteError('validation_failed', 'the location is not one of the customer’s jobs', {
        field: 'payload.locationId',
      });
    }
    const techs = await technicianIds(ctx, command);
    const number = await submitForm(
      ctx,
      '/WorkOrders/New',
      {
        JobID: location.externalId,
        Description: p.title,
        Type: p.jobType,
        Department: p.businessUnit ?? '',
        Priority: p.priority ? p.priority.charAt(0).toUpperCase() + p.priority.slice(1) : 'Normal',
        Start: p.appointment ? utcToTomDateTime(p.appointment.scheduledStart) : '',
        Duration: p.appointment ? String(minutesOf(p.appointment)) : '',
        TechnicianIDs: techs.join(','),
        UDF1: withMarker(undefined, ctx.marker),
        Notes: p.notes ?? '',
      },
      FIELDS,
    );
    return outcome(ctx, number);
  },
});
