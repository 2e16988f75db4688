import type { Command, CommandOf } from '@fieldsync/canonical-model';
import type { Booking } from '@fieldsync/connector-kit';
import type { DB } from '@fieldsync/persistence';
import { sql, type Kysely } from 'kysely';

/** The technicians and window a command would book, or undefined when it books nothing to check. */
export interface Booked {
  readonly technicianIds: readonly string[];
  readonly start: string;
  readonly end: string;
  /** The command's own appointment (a dispatch moves or re-crews it): never a conflict with itself. */
  readonly appointmentId?: string;
  /** The command field a conflict is reported on. */
  readonly field: string;
}

type Window = {
  scheduledStart: string;
  scheduledEnd?: string | undefined;
  durationMinutes?: number | undefined;
};

function endOf(window: Window): string {
  if (window.scheduledEnd !== undefined) return window.scheduledEnd;
  return new Date(Date.parse(window.scheduledStart) + (window.durationMinutes ?? 0) * 60_000).toISOString();
}

interface StoredAppointment {
  readonly id: string;
  readonly scheduled_start: Date | null;
  readonly scheduled_end: Date | null;
  readonly technician_ids: string[];
}

/** The appointment a dispatch is about: the given one, or the job's next open one. */
async function targetAppointment(
  db: Kysely<DB>,
  command: CommandOf<'job.dispatch'>,
): Promise<StoredAppointment | undefined> {
  let query = db
    .selectFrom('appointments')
    .select(['id', 'scheduled_start', 'scheduled_end', 'technician_ids'])
    .where('connection_id', '=', command.connectionId)
    .where('deleted_at', 'is', null);
  query = command.payload.appointmentId
    ? query.where('id', '=', command.payload.appointmentId)
    : query
        .where('job_id', '=', command.payload.jobId)
        .where('status', 'not in', ['completed', 'canceled'])
        .orderBy('scheduled_start', 'asc');
  return query.executeTakeFirst();
}

/**
 * Whether `bookedBy` may find something to check, from the command alone: a `job.create` with technicians
 * and a window, a `job.dispatch` other than a bare unassignment; never with `allowOverlap`. The others
 * have nothing to check before their vendor call (their key starts at `vendor_call_started`).
 */
export function mayBook(command: Command): boolean {
  if (command.type === 'job.create') {
    const { appointment, technicianIds, allowOverlap } = command.payload;
    return !allowOverlap && appointment !== undefined && (technicianIds?.length ?? 0) > 0;
  }
  if (command.type !== 'job.dispatch' || command.payload.allowOverlap) return false;
  const { technicians, window } = command.payload;
  return !(technicians?.mode === 'unassign' && window === undefined);
}

/**
 * What a command books, from the command and the stored appointment it changes: `job.create` with
 * technicians and a window; `job.dispatch` that assigns technicians (the new crew in the window, moved or
 * not) or moves a crewed window. Unassigning books nothing.
 */
export async function bookedBy(db: Kysely<DB>, command: Command): Promise<Booked | undefined> {
  if (command.type === 'job.create') {
    const { appointment, technicianIds, allowOverlap } = command.payload;
    if (allowOverlap || !appointment || !technicianIds?.length) return undefined;
    return {
      technicianIds,
      start: appointment.scheduledStart,
      end: endOf(appointment),
      field: 'payload.technicianIds',
    };
  }
  if (command.type !== 'job.dispatch' || command.payload.allowOverlap) return undefined;
  const { technicians, window } = command.payload;
  if (technicians?.mode === 'unassign' && window === undefined) return undefined;
  const current = await targetAppointment(db, command);
  let crew: readonly string[];
  if (technicians?.mode === 'assign') crew = technicians.technicianIds;
  else if (technicians?.mode === 'replace') crew = technicians.technicianIds;
  else if (technicians?.mode === 'unassign')
    crew = (current?.technician_ids ?? []).filter((id) => !technicians.technicianIds.includes(id));
  else crew = current?.technician_ids ?? [];
  const start = window?.scheduledStart ?? current?.scheduled_start?.toISOString();
  const end = window ? endOf(window) : current?.scheduled_end?.toISOString();
  if (crew.length === 0 || start === undefined || end === undefined) return undefined;
  return {
    technicianIds: crew,
    start,
    end,
    ...(current ? { appointmentId: current.id } : {}),
    field: technicians ? 'payload.technicians.technicianIds' : 'payload.window',
  };
}

/**
 * The technicians' bookings overlapping the window in the canonical store (open appointments of this
 * connection, other than the command's own). The vendor's fresh read (`CommandHandler.bookings`) is
 * added by the caller: the store may be a poll behind.
 */
export async function storedBookings(
  db: Kysely<DB>,
  connectionId: string,
  booked: Booked,
): Promise<Booking[]> {
  let query = db
    .selectFrom('appointments')
    .select(['id', 'scheduled_start', 'scheduled_end', 'technician_ids'])
    .where('connection_id', '=', connectionId)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('status', 'is', null), eb('status', 'not in', ['completed', 'canceled'])]))
    .where('scheduled_start', '<', new Date(booked.end))
    .where('scheduled_end', '>', new Date(booked.start))
    .where(sql<boolean>`technician_ids && ${sql.val([...booked.technicianIds])}::text[]`);
  if (booked.appointmentId) query = query.where('id', '<>', booked.appointmentId);
  const rows = await query.execute();
  return rows.flatMap((row) =>
    row.technician_ids
      .filter((id) => booked.technicianIds.includes(id))
      .map((technicianId) => ({
        technicianId,
        appointmentId: row.id,
        start: row.scheduled_start?.toISOString() ?? '',
        end: row.scheduled_end?.toISOString() ?? '',
      })),
  );
}

/** One line per conflicting booking, for the `schedule_conflict` message. */
export function describeConflicts(bookings: readonly Booking[]): string {
  const unique = new Map(bookings.map((b) => [`${b.technicianId}/${b.appointmentId}`, b]));
  const lines = [...unique.values()]
    .slice(0, 5)
    .map((b) => `${b.technicianId} is booked on ${b.appointmentId} (${b.start} – ${b.end})`);
  const more = unique.size > 5 ? `; and ${unique.size - 5} more` : '';
  return `${lines.join('; ')}${more}`;
}
