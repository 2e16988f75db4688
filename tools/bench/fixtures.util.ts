import {
  buildChangeEvent,
  newEventId,
  type ChangeEvent,
  type Job,
  type Vendor,
} from '@fieldsync/canonical-model';
import { canonicalFactory } from '@fieldsync/testing';

export const BENCH_TENANT = 'ten_bench';
export const BENCH_VENDOR: Vendor = 'servicetitan';

export interface JobChange {
  readonly before: Job;
  readonly after: Job;
  /** A validated `job.status_changed` CloudEvent (one line item, ~1.5 KB of JSON). */
  readonly event: ChangeEvent;
}

/**
 * A realistic change event: a ServiceTitan job moving from scheduled to in progress, built and
 * validated by the canonical model exactly as the extractor will (buildChangeEvent).
 */
export function jobStatusChange(
  connectionId: string,
  tenantId = BENCH_TENANT,
  externalId = '1001',
): JobChange {
  const factory = canonicalFactory({ tenantId, connectionId, vendor: BENCH_VENDOR });
  const before = factory.job({ externalId, lineItemPrices: [189] });
  const after: Job = {
    ...before,
    status: 'in_progress',
    vendorStatus: 'Working',
    technicianIds: [factory.id('technician', '77')],
    updatedAt: '2026-01-12T10:00:00Z',
  };
  const event = buildChangeEvent({
    tenantId,
    connectionId,
    vendor: BENCH_VENDOR,
    sequence: 1,
    before,
    after,
    time: '2026-01-12T10:00:01Z',
  });
  if (event === undefined) throw new Error('the bench job change produced no event');
  return { before, after, event };
}

/** `count` copies of the event, each with its own `evt_<ULID>` id (the `Nats-Msg-Id`). */
export function distinctEvents(template: ChangeEvent, count: number): ChangeEvent[] {
  return Array.from({ length: count }, () => ({ ...template, id: newEventId() }));
}

/** Size of the event as JSON on the wire, in bytes. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
