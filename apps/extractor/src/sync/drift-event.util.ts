import {
  eventSource,
  newEventId,
  operationalEventSchema,
  type EntityType,
  type OperationalEvent,
  type Vendor,
} from '@fieldsync/canonical-model';
import type { DriftIssue } from '../store/drift-report.repository';

/** Where a quarantined record came from and what was wrong with it. */
export interface DriftSighting {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  readonly entity: EntityType;
  readonly externalId: string | null;
  readonly issues: readonly DriftIssue[];
}

/**
 * `connector.drift_detected` for a drift report seen for the first time (the raw payload stays in
 * `drift_reports`, never in an event). Issues are bounded to what the event schema allows.
 */
export function driftDetectedEvent(drift: DriftSighting, reportId: string, now: Date): OperationalEvent {
  return operationalEventSchema.parse({
    specversion: '1.0',
    id: newEventId(),
    source: eventSource(drift.vendor, drift.connectionId),
    type: 'connector.drift_detected',
    subject: drift.connectionId,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    tenantid: drift.tenantId,
    connectionid: drift.connectionId,
    vendor: drift.vendor,
    data: {
      connectionId: drift.connectionId,
      entity: drift.entity,
      externalId: drift.externalId,
      reportId,
      issues: (drift.issues.length > 0
        ? drift.issues
        : [{ path: '', code: 'unknown', message: 'the reader reported no issue' }]
      )
        .slice(0, 50)
        .map((issue) => ({
          path: issue.path.slice(0, 500),
          code: issue.code.slice(0, 100),
          message: issue.message.slice(0, 1000),
        })),
      detectedAt: now.toISOString(),
    },
  });
}
