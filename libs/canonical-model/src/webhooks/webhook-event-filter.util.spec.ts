import { endpointWants, eventTypePatternProblem, patternMatches } from './webhook-event-filter.util';

const endpoint = (overrides: Partial<Parameters<typeof endpointWants>[0]> = {}) => ({
  id: 'ep_1',
  eventTypes: null,
  vendors: null,
  connectionIds: null,
  ...overrides,
});

describe('event-type filters', () => {
  it('matches exact types and namespace wildcards', () => {
    expect(patternMatches('job.created', 'job.created')).toBe(true);
    expect(patternMatches('job.created', 'job.updated')).toBe(false);
    expect(patternMatches('job.*', 'job.status_changed')).toBe(true);
    expect(patternMatches('job.*', 'jobber.created')).toBe(false);
    expect(patternMatches('message.*', 'message.attempt.exhausted')).toBe(true);
  });

  it('keeps operational events away from catch-all endpoints', () => {
    expect(endpointWants(endpoint(), { type: 'job.created' })).toBe(true);
    expect(endpointWants(endpoint(), { type: 'endpoint.disabled', subject: 'ep_2' })).toBe(false);
    expect(endpointWants(endpoint({ eventTypes: ['*'] }), { type: 'message.attempt.exhausted' })).toBe(false);
    expect(
      endpointWants(endpoint({ eventTypes: ['endpoint.*'] }), { type: 'endpoint.disabled', subject: 'ep_2' }),
    ).toBe(true);
  });

  it('never sends an endpoint the delivery events about itself', () => {
    const operational = endpoint({ eventTypes: ['endpoint.disabled', 'message.attempt.exhausted'] });
    expect(endpointWants(operational, { type: 'endpoint.disabled', subject: 'ep_1' })).toBe(false);
    expect(endpointWants(operational, { type: 'message.attempt.exhausted', subject: 'ep_1' })).toBe(false);
    expect(endpointWants(operational, { type: 'message.attempt.exhausted', subject: 'ep_9' })).toBe(true);
  });

  it('applies vendor and connection filters to events that carry them', () => {
    const jobberOnly = endpoint({ vendors: ['jobber'], connectionIds: ['con_1'] });
    expect(endpointWants(jobberOnly, { type: 'job.created', vendor: 'jobber', connectionid: 'con_1' })).toBe(
      true,
    );
    expect(
      endpointWants(jobberOnly, { type: 'job.created', vendor: 'servicetitan', connectionid: 'con_1' }),
    ).toBe(false);
    expect(endpointWants(jobberOnly, { type: 'job.created', vendor: 'jobber', connectionid: 'con_2' })).toBe(
      false,
    );
  });

  it('names what is wrong with a pattern', () => {
    expect(eventTypePatternProblem('job.created')).toBeUndefined();
    expect(eventTypePatternProblem('invoice.*')).toBeUndefined();
    expect(eventTypePatternProblem('*')).toBeUndefined();
    expect(eventTypePatternProblem('job.create')).toMatch(/"job.create" matches no event type/);
    expect(eventTypePatternProblem('job*')).toMatch(/not an event type/);
    expect(eventTypePatternProblem('*.created')).toMatch(/not an event type/);
  });
});
