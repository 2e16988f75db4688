import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { annotationsOf } from './servicetitan-annotations';
import { iso, isoOrNull } from './servicetitan-datetime.util';
import { worldJobTagTypeIds } from './servicetitan-tag-types';
import { CREATED_BY_ID } from './servicetitan-wire.constants';
import type { WireRow } from './servicetitan-wire.types';

/** Jobs and appointments (ServiceTitan's `jpm` module). */
export class ServiceTitanJpmRenderer {
  constructor(private readonly store: WorldStore) {}

  job(j: StoredRecord<'job'>): WireRow {
    const appointments = this.store
      .children('appointment', 'jobId', j.id)
      .filter((a) => a.deletedOn === null)
      .sort((a, b) => a.start - b.start || a.id - b.id);
    return {
      id: j.id,
      jobNumber: j.jobNumber,
      customerId: j.customerId,
      locationId: j.locationId,
      jobStatus: j.status,
      completedOn: isoOrNull(j.completedOn),
      businessUnitId: j.businessUnitId,
      jobTypeId: j.jobTypeId,
      priority: j.priority,
      campaignId: j.campaignId,
      summary: j.summary,
      customFields: [],
      appointmentCount: appointments.length,
      firstAppointmentId: appointments[0]?.id ?? 0,
      lastAppointmentId: appointments[appointments.length - 1]?.id ?? 0,
      recallForId: null,
      warrantyId: null,
      jobGeneratedLeadSource: null,
      noCharge: false,
      notificationsEnabled: true,
      createdOn: iso(j.createdOn),
      createdById: CREATED_BY_ID,
      modifiedOn: iso(j.modifiedOn),
      tagTypeIds: [...(annotationsOf(this.store).jobTagTypeIds.get(j.id) ?? worldJobTagTypeIds(j.id))],
      leadCallId: null,
      bookingId: null,
      soldById: j.soldById,
      externalData: j.externalData.map((e) => ({ key: e.key, value: e.value })),
    };
  }

  appointment(a: StoredRecord<'appointment'>): WireRow {
    return {
      id: a.id,
      jobId: a.jobId,
      appointmentNumber: a.appointmentNumber,
      start: iso(a.start),
      end: iso(a.end),
      arrivalWindowStart: iso(a.arrivalWindowStart),
      arrivalWindowEnd: iso(a.arrivalWindowEnd),
      status: a.status,
      specialInstructions: a.specialInstructions,
      createdOn: iso(a.createdOn),
      modifiedOn: iso(a.modifiedOn),
    };
  }
}
