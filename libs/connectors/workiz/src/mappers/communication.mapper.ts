import type { Communication } from '@fieldsync/canonical-model';
import type { WorkizCallRecord, WorkizSmsRecord } from '../workiz.schemas';
import { canonicalBase, canonicalRef, textOrNull, utc, type MappingScope } from './mapping.util';

/** External ids of communications: calls and texts share the canonical entity, so each is prefixed. */
export const callExternalId = (callId: number): string => `call-${callId}`;
export const smsExternalId = (messageId: number): string => `sms-${messageId}`;

/**
 * A call of Workiz's call log (the web app's, with the recording's metadata): answered, missed or
 * voicemail, its tracking source as the campaign, the team member who took it.
 */
export function mapCall(r: WorkizCallRecord, scope: MappingScope): Communication {
  const c = r.call;
  const at = utc(c.date, c.timezone);
  return {
    ...canonicalBase('communication', scope, { createdAt: at, updatedAt: at }),
    channel: 'call',
    direction: c.direction,
    status: c.status,
    vendorStatus: c.status,
    customerId: canonicalRef(scope, 'customer', c.client_id),
    leadId: null,
    jobId: null,
    technicianId: canonicalRef(scope, 'technician', r.user_id),
    from: textOrNull(c.from),
    to: textOrNull(c.to),
    subject: null,
    body: null,
    startedAt: at,
    durationSeconds: c.duration,
    recordingAvailable: c.recording !== null,
    campaign: textOrNull(c.ad_source),
  };
}

/**
 * One text of a Workiz SMS thread: the client's number on the client's side (from for a received text, to
 * for a sent one); the account's own number is not in the thread.
 */
export function mapSms(r: WorkizSmsRecord, scope: MappingScope): Communication {
  const m = r.message;
  const at = utc(m.date, r.timezone);
  const inbound = m.direction === 'inbound';
  return {
    ...canonicalBase('communication', scope, { createdAt: at, updatedAt: at }),
    channel: 'sms',
    direction: m.direction,
    status: inbound ? 'received' : 'sent',
    vendorStatus: m.direction,
    customerId: canonicalRef(scope, 'customer', r.client_id),
    leadId: null,
    jobId: null,
    technicianId: canonicalRef(scope, 'technician', r.user_id),
    from: inbound ? textOrNull(r.phone) : null,
    to: inbound ? null : textOrNull(r.phone),
    subject: null,
    body: textOrNull(m.text),
    startedAt: at,
    durationSeconds: null,
    recordingAvailable: false,
    campaign: null,
  };
}
