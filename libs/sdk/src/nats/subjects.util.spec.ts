import { COMMAND_TYPES } from '@fieldsync/canonical-model';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the SDK's spelling of the public subjects must equal the services'
import * as messaging from '@fieldsync/messaging';
import { commandSubject, eventFilters, resultSubject, streamNames, subjectMatches } from './subjects.util';

describe('SDK subjects = the services’ subjects (libs/messaging)', () => {
  it('spells every command type’s subject, results and stream names as the services do, with and without prefix', () => {
    for (const prefix of ['', 'p1']) {
      for (const type of COMMAND_TYPES) {
        const p = { tenantId: 'ten_a', connectionId: 'con_1', type };
        expect(commandSubject(p, prefix)).toBe(messaging.withPrefix(messaging.commandSubject(p), prefix));
      }
      expect(resultSubject({ tenantId: 'ten_a', commandId: 'cmd_1' }, prefix)).toBe(
        messaging.withPrefix(messaging.resultSubject({ tenantId: 'ten_a', commandId: 'cmd_1' }), prefix),
      );
      expect(streamNames(prefix)).toEqual({
        events: messaging.streamName('events', prefix),
        commands: messaging.streamName('commands', prefix),
        results: messaging.streamName('results', prefix),
      });
    }
  });

  it('filters events by type so that the subjects the change log publishes match', () => {
    const published = (type: string) => {
      const dot = type.indexOf('.');
      return messaging.eventSubject({
        tenantId: 'ten_a',
        vendor: 'jobber',
        entity: type.slice(0, dot),
        action: type.slice(dot + 1).replaceAll('.', '_'),
      });
    };
    const matches = (filters: string[], type: string) =>
      filters.some((f) => messaging.subjectMatches(f, published(type)));
    const jobs = eventFilters({
      tenantId: 'ten_a',
      types: ['job.*', 'invoice.paid', 'message.attempt.exhausted'],
    });
    expect(
      ['job.created', 'job.status_changed', 'invoice.paid', 'message.attempt.exhausted'].every((t) =>
        matches(jobs, t),
      ),
    ).toBe(true);
    expect(matches(jobs, 'invoice.updated')).toBe(false);
    expect(matches(eventFilters({ tenantId: 'ten_b' }), 'job.created')).toBe(false);
    expect(matches(eventFilters({}), 'job.created')).toBe(true);
    expect(eventFilters({ tenantId: 'ten_a' }, 'p1')).toEqual(['p1.fsm.events.ten_a.>']);
  });

  it('refuses a token that would change the subject, by name', () => {
    expect(() => commandSubject({ tenantId: 'ten.a', connectionId: 'c', type: 'job.create' })).toThrow(
      'tenantId "ten.a"',
    );
    expect(() => eventFilters({ types: ['job'] })).toThrow('event type "job" is not <entity>.<action>');
    expect(() => resultSubject({ commandId: 'cmd_>' })).toThrow('commandId "cmd_>"');
  });

  it('matches subjects against filters as NATS does (the client-side split of several types)', () => {
    const subjects = [
      'fsm.events.t.v.job.created',
      'fsm.events.t.v.job',
      'fsm.events.t.v.job.created.x',
      'p.fsm.events.t.v.job.created',
    ];
    const patterns = [
      'fsm.events.t.*.job.*',
      'fsm.events.t.>',
      'fsm.events.*.*.job.created',
      'fsm.>',
      'p.fsm.events.t.>',
      'fsm.events.t.v.job',
    ];
    for (const pattern of patterns) {
      for (const subject of subjects) {
        expect([pattern, subject, subjectMatches(pattern, subject)]).toEqual([
          pattern,
          subject,
          messaging.subjectMatches(pattern, subject),
        ]);
      }
    }
  });
});
