import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { iso } from './servicetitan-datetime.util';
import type { WireRow } from './servicetitan-wire.types';

/** Technicians' appointment assignments (ServiceTitan's `dispatch` module). */
export class ServiceTitanDispatchRenderer {
  constructor(private readonly store: WorldStore) {}

  assignment(a: StoredRecord<'assignment'>): WireRow {
    return {
      id: a.id,
      technicianId: a.technicianId,
      technicianName: this.store.get('employee', a.technicianId)?.name ?? '',
      assignedById: a.assignedById ?? 0,
      assignedOn: iso(a.assignedOn),
      status: a.status,
      isPaused: false,
      jobId: a.jobId,
      appointmentId: a.appointmentId,
    };
  }
}
