import { address, CONNECTION_ID, TENANT_ID, validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt } from '../__fixtures__/expect-issue.fixture';
import { Invoice } from '../invoice/invoice.schema';
import { Job } from '../job/job.schema';
import { ChangeEvent, changeEventOfValidObjectSchema, changeEventSchema } from './change-event.schema';
import { buildChangeEvent, deriveChangeEventType, stringifyEventPayload } from './change-event.util';
import { canonicalDeepEqual, diffEntities } from './entity-diff.util';
import { ENTITY_EVENT_TYPES } from './event-type.schema';
import { operationalEventSchema } from './operational-event.schema';
import { formatSequence, parseSequence } from './sequence.util';

const common = {
  tenantId: TENANT_ID,
  connectionId: CONNECTION_ID,
  vendor: 'servicetitan' as const,
  time: '2026-02-01T15:00:01Z',
};

function mustBuild(input: Parameters<typeof buildChangeEvent>[0]): ChangeEvent {
  const event = buildChangeEvent(input);
  if (!event) throw new Error('expected an event');
  return event;
}

describe('diffEntities', () => {
  const job = validEntities().job;

  it('returns changed top-level fields with their old values', () => {
    const after: Job = {
      ...job,
      status: 'dispatched',
      vendorStatus: 'Dispatched',
      serviceAddress: { ...address, city: 'La Jolla' },
    };
    const diff = diffEntities(job, after);
    expect(diff.changedFields).toEqual(['status', 'vendorStatus', 'serviceAddress']);
    expect(diff.previous).toEqual({
      status: 'scheduled',
      vendorStatus: 'Scheduled',
      serviceAddress: job.serviceAddress,
    });
  });

  it('ignores updatedAt-only changes and reordered sets, but not reordered line items', () => {
    expect(diffEntities(job, { ...job, updatedAt: '2026-03-01T00:00:00Z' }).changedFields).toEqual([]);
    expect(canonicalDeepEqual(['b', 'a'], ['a', 'b'])).toBe(true);
    expect(canonicalDeepEqual(['a', 'a', 'b'], ['a', 'b', 'b'])).toBe(false);
    expect(canonicalDeepEqual([{ a: 1 }, { a: 2 }], [{ a: 2 }, { a: 1 }])).toBe(false);
  });

  it('notices removed and added fields', () => {
    const diff = diffEntities({ a: 1, b: 2 }, { a: 1, c: 3 });
    expect(diff.changedFields).toEqual(['c', 'b']);
    expect(diff.previous).toEqual({ c: null, b: 2 });
  });
});

describe('buildChangeEvent', () => {
  const { job, invoice } = validEntities();

  it('builds a CloudEvents 1.0 created event', () => {
    const event = mustBuild({ ...common, sequence: 1, before: null, after: job });
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'job.created',
      source: `fieldsync/servicetitan/${CONNECTION_ID}`,
      subject: job.id,
      datacontenttype: 'application/json',
      tenantid: TENANT_ID,
      connectionid: CONNECTION_ID,
      vendor: 'servicetitan',
      sequence: '0000000000000001',
      data: { object: job, previous: null, changedFields: [] },
    });
    expect(event.id).toMatch(/^evt_[0-9A-Z]{26}$/);
  });

  it('emits the most specific type for status moves', () => {
    const dispatched = mustBuild({
      ...common,
      sequence: 2,
      before: job,
      after: { ...job, status: 'dispatched' },
    });
    expect(dispatched.type).toBe('job.status_changed');
    expect(dispatched.data).toEqual({
      object: { ...job, status: 'dispatched' },
      previous: { status: 'scheduled' },
      changedFields: ['status'],
    });
    const paid: Invoice = { ...invoice, status: 'paid', amountPaid: invoice.total, balance: 0 };
    expect(deriveChangeEventType('invoice', invoice, paid)).toBe('invoice.paid');
    expect(deriveChangeEventType('job', job, { ...job, title: 'x' })).toBe('job.updated');
    expect(deriveChangeEventType('job', job, { ...job, deletedAt: '2026-02-02T00:00:00Z' })).toBe(
      'job.deleted',
    );
    expect(ENTITY_EVENT_TYPES).toEqual(
      expect.arrayContaining(['appointment.status_changed', 'payment.captured', 'line_item.deleted']),
    );
  });

  it("writes the money of data.previous in the currency of data.object, to the currency's decimals", () => {
    const before: Invoice = { ...invoice, status: 'open', amountPaid: 0, balance: invoice.total };
    const paid: Invoice = { ...before, status: 'paid', amountPaid: invoice.total, balance: 0 };
    const event = mustBuild({ ...common, sequence: 9, before, after: paid });
    const text = stringifyEventPayload(event);
    const previous = text.slice(text.indexOf('"previous":{'));
    expect(previous).toContain(`"amountPaid":0.00`);
    expect(previous).toContain(`"balance":${invoice.total.toFixed(2)}`);
    expect(text).toMatch(/"object":\{[^]*"balance":0\.00/);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(event)));
    // JSON.stringify, which the outbox used before, writes 0 where the wire form has 0.00.
    expect(JSON.stringify(event)).toContain('"amountPaid":0,');
    // An event without money (operational) is plain JSON.
    const operational = { id: 'evt_1', type: 'session.refreshed', data: { connectionId: 'con_1' } };
    expect(stringifyEventPayload(operational)).toBe(JSON.stringify(operational));
  });

  it('returns undefined when only updatedAt moved', () => {
    expect(
      buildChangeEvent({
        ...common,
        sequence: 3,
        before: job,
        after: { ...job, updatedAt: '2026-05-01T00:00:00Z' },
      }),
    ).toBeUndefined();
  });

  it('emits deleted with the last known object for hard deletes', () => {
    const event = mustBuild({ ...common, sequence: 4, before: job, after: job, deleted: true });
    expect(event.type).toBe('job.deleted');
    expect(event.data).toEqual({ object: job, previous: null, changedFields: [] });
  });

  it('validates the object against its entity schema and the envelope', () => {
    const broken = { ...job, total: 1.005 } as Job;
    expect(() => buildChangeEvent({ ...common, sequence: 5, before: null, after: broken })).toThrow(/total/);
    const event = mustBuild({ ...common, sequence: 6, before: null, after: job });
    expectIssueAt(changeEventSchema, { ...event, source: 'fieldsync/jobber/x' }, ['source']);
    expectIssueAt(changeEventSchema, { ...event, type: 'invoice.created' }, ['subject']);
    expectIssueAt(changeEventSchema, { ...event, sequence: '7' }, ['sequence']);
    expectIssueAt(changeEventSchema, { ...event, data: { ...event.data, previous: { title: 'x' } } }, [
      'data',
      'previous',
    ]);
    expectIssueAt(
      changeEventSchema,
      { ...event, data: { ...event.data, object: { ...job, status: 'done' } } },
      ['data', 'object', 'status'],
    );
  });

  it('with objectValidated checks every part of the envelope but does not run the object schema again', () => {
    const object = { ...job, status: 'done' } as unknown as Job;
    const event = mustBuild({ ...common, sequence: 8, before: null, after: object, objectValidated: true });
    expect(event.data.object).toEqual(object);
    expect(changeEventSchema.safeParse(event).success).toBe(false);
    expectIssueAt(changeEventOfValidObjectSchema, { ...event, source: 'fieldsync/jobber/x' }, ['source']);
    expectIssueAt(changeEventOfValidObjectSchema, { ...event, type: 'invoice.created' }, ['subject']);
    expectIssueAt(changeEventOfValidObjectSchema, { ...event, sequence: '7' }, ['sequence']);
    expectIssueAt(
      changeEventOfValidObjectSchema,
      { ...event, data: { ...event.data, object: { ...object, id: 'job_other' } } },
      ['data', 'object', 'id'],
    );
    expectIssueAt(
      changeEventOfValidObjectSchema,
      { ...event, data: { ...event.data, previous: { title: 'x' } } },
      ['data', 'previous'],
    );
  });
});

describe('sequence', () => {
  it('is a zero-padded string whose string order equals numeric order', () => {
    expect(formatSequence(42)).toBe('0000000000000042');
    expect(formatSequence(9) < formatSequence(10)).toBe(true);
    expect(parseSequence(formatSequence(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => formatSequence(0)).toThrow(RangeError);
  });
});

describe('operationalEventSchema', () => {
  const envelope = {
    specversion: '1.0',
    id: 'evt_01KAB3X5Z6QF8M2R0T9W4YVJHN',
    time: '2026-02-01T15:00:00Z',
    datacontenttype: 'application/json',
    tenantid: TENANT_ID,
  };
  const connection = {
    ...envelope,
    source: `fieldsync/jobber/${CONNECTION_ID}`,
    subject: CONNECTION_ID,
    connectionid: CONNECTION_ID,
    vendor: 'jobber',
  };

  it('accepts connection and delivery events', () => {
    const mfa = {
      ...connection,
      type: 'connection.mfa_required',
      data: {
        connectionId: CONNECTION_ID,
        method: 'sms',
        challengeId: 'chl_1',
        destinationHint: '•••-•••-0198',
        expiresAt: '2026-02-01T15:30:00Z',
      },
    };
    expect(operationalEventSchema.parse(mfa).type).toBe('connection.mfa_required');
    const exhausted = {
      ...envelope,
      source: 'fieldsync/webhooks',
      subject: 'ep_1',
      type: 'message.attempt.exhausted',
      data: {
        endpointId: 'ep_1',
        messageId: 'msg_1',
        eventId: envelope.id,
        eventType: 'job.updated',
        attempts: 8,
        lastStatusCode: 503,
        lastError: null,
        lastAttemptAt: '2026-02-01T15:00:00Z',
      },
    };
    expect(operationalEventSchema.safeParse(exhausted).success).toBe(true);
  });

  it('rejects secrets smuggled into data and mismatched subjects', () => {
    const established = {
      ...connection,
      type: 'session.established',
      data: { connectionId: CONNECTION_ID, loginMethod: 'password', mfaMethod: 'totp', expiresAt: null },
    };
    expect(operationalEventSchema.safeParse(established).success).toBe(true);
    expectIssueAt(
      operationalEventSchema,
      { ...established, data: { ...established.data, password: 'hunter2' } },
      ['data'],
    );
    expectIssueAt(operationalEventSchema, { ...established, subject: 'other' }, ['subject']);
    const drift = {
      ...connection,
      type: 'connector.drift_detected',
      data: {
        connectionId: CONNECTION_ID,
        entity: 'job',
        externalId: '1',
        reportId: 'dr_1',
        issues: [],
        detectedAt: '2026-02-01T15:00:00Z',
      },
    };
    expectIssueAt(operationalEventSchema, drift, ['data', 'issues']);
  });
});
