import type { SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import type { ServiceTitanClient } from '../servicetitan.client';
import { MAX_IDS_PER_CALL, chunks, listAll } from '../servicetitan-list.util';
import {
  servicetitanAppointmentExportRowSchema,
  servicetitanAppointmentListRowSchema,
  servicetitanAppointmentRecordSchema,
  servicetitanAssignmentExportRowSchema,
  servicetitanAssignmentListRowSchema,
} from '../servicetitan.schemas';
import { byIds } from './paging.util';
import { FAST_MS, exportFeed } from './stream.reader';
import { drift, issuesOf, validatedRecord, type Issue } from './wire-record.util';

/*
 * Appointments with their current technicians, from two feeds: jpm's appointments, and dispatch's
 * appointment assignments (a change of technicians re-reads its appointments).
 */

type AppointmentRow = z.infer<typeof servicetitanAppointmentListRowSchema>;

/**
 * Appointments with their current technicians: the canonical appointment carries `technicianIds`,
 * which ServiceTitan keeps in dispatch's appointment assignments (`appointmentIds` filter, 50 at a
 * time). An assignment row that does not fit its schema makes its chunk's appointments drift, so a
 * renamed field never silently drops a technician.
 */
async function appointmentRecords(
  ctx: SyncContext,
  client: ServiceTitanClient,
  appointments: readonly { row: AppointmentRow; deleted: boolean }[],
): Promise<VendorRecord[]> {
  const out: VendorRecord[] = [];
  for (const chunk of chunks(appointments, MAX_IDS_PER_CALL)) {
    const raws = await listAll(client, ctx, 'dispatch', 'appointment-assignments', {
      appointmentIds: chunk.map((a) => a.row.id).join(','),
    });
    const byAppointment = new Map<number, z.infer<typeof servicetitanAssignmentListRowSchema>[]>();
    const bad: Issue[] = [];
    raws.forEach((raw, index) => {
      const parsed = servicetitanAssignmentListRowSchema.safeParse(raw);
      if (!parsed.success) {
        bad.push(...issuesOf(parsed.error, `assignments.${index}`));
        return;
      }
      const list = byAppointment.get(parsed.data.appointmentId) ?? [];
      list.push(parsed.data);
      byAppointment.set(parsed.data.appointmentId, list);
    });
    for (const { row, deleted } of chunk) {
      const assignments = (byAppointment.get(row.id) ?? []).sort((a, b) => a.id - b.id);
      if (bad.length > 0) {
        out.push(drift('appointment', { appointment: row, assignments: raws }, bad, String(row.id)));
        continue;
      }
      const raw = { appointment: row, assignments };
      out.push(
        validatedRecord('appointment', servicetitanAppointmentRecordSchema, raw, String(row.id), deleted),
      );
    }
  }
  return out;
}

export const appointmentsFeed = exportFeed({
  stream: 'appointments',
  module: 'jpm',
  feed: 'appointments',
  entity: 'appointment',
  intervalMs: FAST_MS,
  row: servicetitanAppointmentExportRowSchema,
  signalsDeletes: true,
  deleted: (row) => !row.active,
  records: (ctx, c, rows) =>
    appointmentRecords(
      ctx,
      c,
      rows.map(({ active, ...row }) => ({ row, deleted: !active })),
    ),
});

/** An assignment change is a change of its appointment's technicians: re-read those appointments. */
export const appointmentAssignmentsFeed = exportFeed({
  stream: 'appointment-assignments',
  module: 'dispatch',
  feed: 'appointment-assignments',
  entity: 'appointment',
  intervalMs: FAST_MS,
  row: servicetitanAssignmentExportRowSchema,
  signalsDeletes: false,
  // It yields only the appointments whose technicians changed: never a base for reconciliation.
  reconciles: [],
  deleted: () => false,
  async records(ctx, c, rows) {
    const ids = rows.map((row) => row.appointmentId);
    // The list shows live appointments only: a deleted one comes through the appointments stream.
    const found = await byIds(
      ctx,
      c,
      'jpm',
      'appointments',
      ids,
      servicetitanAppointmentListRowSchema,
      'appointment',
    );
    const appointments = found.rows.sort((a, b) => a.id - b.id).map((row) => ({ row, deleted: false }));
    return [...(await appointmentRecords(ctx, c, appointments)), ...found.drifts];
  },
});
