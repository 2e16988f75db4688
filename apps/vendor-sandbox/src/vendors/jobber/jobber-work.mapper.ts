import type { AppointmentStatus, StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { cents } from './jobber-amount.util';
import { formatDateTime, formatNullableDateTime } from './jobber-datetime.util';
import { encodeId } from './jobber-encoded-id.util';
import { linkedQuoteId } from './jobber-quote-link.util';
import { ref } from './jobber-reference.util';
import { rendered } from './jobber-rendered.util';
import { VISIT_STATUS } from './jobber-status.constants';
import { jobStatusOf } from './jobber-status.util';
import { isEstimateVisible, isVisitVisible } from './jobber-visibility.util';

/** Jobs (their span, total and status from their visits and invoices) and their visits. */
export class JobberWorkMapper {
  constructor(private readonly store: WorldStore) {}

  /** The latest modification of the job, its visits, or its invoices' and quotes' creation (epoch ms). */
  jobUpdatedAt(j: StoredRecord<'job'>): number {
    let u = j.modifiedOn;
    for (const a of this.store.children('appointment', 'jobId', j.id)) if (a.modifiedOn > u) u = a.modifiedOn;
    for (const i of this.store.children('invoice', 'jobId', j.id)) if (i.createdOn > u) u = i.createdOn;
    for (const e of this.store.children('estimate', 'jobId', j.id)) if (e.createdOn > u) u = e.createdOn;
    return u;
  }

  /** The job converted from quote `estimateId` (jobCreate with quoteId), if any. */
  convertedJobOf(estimateId: number): StoredRecord<'job'> | undefined {
    for (const j of this.store.all('job')) if (linkedQuoteId(j) === estimateId) return j;
    return undefined;
  }

  job(j: StoredRecord<'job'>) {
    const visits = this.store.children('appointment', 'jobId', j.id).filter((a) => isVisitVisible(a));
    const scheduled = visits.filter((a) => a.status !== 'Hold');
    const invoices = this.store.children('invoice', 'jobId', j.id);
    const linked = linkedQuoteId(j);
    const estimate =
      linked === undefined
        ? this.store.children('estimate', 'jobId', j.id).find((e) => isEstimateVisible(e))
        : this.store.get('estimate', linked);
    let startAt: number | null = null;
    let endAt: number | null = null;
    for (const v of scheduled) {
      if (startAt === null || v.start < startAt) startAt = v.start;
      if (endAt === null || v.end > endAt) endAt = v.end;
    }
    const open = scheduled.some((v) => v.status !== 'Done');
    return rendered(j, {
      id: encodeId('Job', j.id),
      jobNumber: Number(j.jobNumber),
      title: j.summary === '' ? null : j.summary,
      instructions: visits[0]?.specialInstructions ?? null,
      jobStatus: jobStatusOf(j.status, invoices.length > 0, open),
      jobType: 'ONE_OFF',
      total: cents(invoices.reduce((sum, i) => sum + i.total, 0)),
      startAt: formatNullableDateTime(startAt),
      endAt: formatNullableDateTime(endAt),
      completedAt: formatNullableDateTime(j.completedOn),
      client: ref('Client', j.customerId),
      property: ref('Property', j.locationId),
      quote: estimate ? ref('Quote', estimate.id) : null,
      createdAt: formatDateTime(j.createdOn),
      updatedAt: formatDateTime(this.jobUpdatedAt(j)),
    });
  }

  visit(a: StoredRecord<'appointment'>) {
    const job = this.store.get('job', a.jobId);
    const unscheduled = a.status === 'Hold';
    return rendered(a, {
      id: encodeId('Visit', a.id),
      title: job && job.summary !== '' ? job.summary : null,
      instructions: a.specialInstructions,
      visitStatus: VISIT_STATUS[a.status as Exclude<AppointmentStatus, 'Canceled'>],
      startAt: unscheduled ? null : formatDateTime(a.start),
      endAt: unscheduled ? null : formatDateTime(a.end),
      isComplete: a.status === 'Done',
      completedAt: a.status === 'Done' ? formatDateTime(a.end) : null,
      job: ref('Job', a.jobId),
      client: ref('Client', a.customerId),
      property: job ? ref('Property', job.locationId) : null,
      createdAt: formatDateTime(a.createdOn),
    });
  }
}
