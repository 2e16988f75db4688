import { MessagingError } from './messaging.error';
import {
  commandSubject,
  commandsFilter,
  dlqSubject,
  eventSubject,
  eventsFilter,
  resultSubject,
  sessionsFilter,
  sessionsSubject,
  streamName,
  subjectMatches,
  withPrefix,
  withoutPrefix,
} from './subjects';

describe('subject builders', () => {
  it('build the public names of DESIGN.md', () => {
    expect(eventSubject({ tenantId: 't1', vendor: 'jobber', entity: 'job', action: 'status_changed' })).toBe(
      'fsm.events.t1.jobber.job.status_changed',
    );
    expect(commandSubject({ tenantId: 't1', connectionId: 'con_1', type: 'job.status.update' })).toBe(
      'fsm.commands.t1.con_1.job.status.update',
    );
    expect(resultSubject({ tenantId: 't1', commandId: 'cmd_01H' })).toBe('fsm.results.t1.cmd_01H');
    expect(sessionsSubject('con_1', 'acquire')).toBe('fsm.sessions.con_1.acquire');
    expect(dlqSubject('writer', 'fsm.commands.t1.c1.job.create')).toBe(
      'fsm.dlq.writer.fsm.commands.t1.c1.job.create',
    );
  });

  it.each([
    ['', 'empty token'],
    ['a b', '"a b"'],
    ['a.b', '"a.b"'],
    ['*', '"*"'],
    ['>', '">"'],
    ['ünï', '"ünï"'],
    ['a\tb', '"a\\tb"'],
  ])('reject the tenant token %j naming it', (bad, named) => {
    const build = (): string => resultSubject({ tenantId: bad, commandId: 'c' });
    expect(build).toThrow(MessagingError);
    expect(build).toThrow(named);
  });

  it('reject empty parts of a dotted command type', () => {
    expect(() => commandSubject({ tenantId: 't', connectionId: 'c', type: 'job..create' })).toThrow(
      'job..create',
    );
  });

  it('reject subjects over 16 tokens or 255 characters', () => {
    const many = Array.from({ length: 12 }, (_, i) => `p${i}`).join('.');
    expect(() => commandSubject({ tenantId: 't', connectionId: 'c', type: many })).toThrow('tokens');
    expect(() => resultSubject({ tenantId: 't', commandId: 'x'.repeat(250) })).toThrow('characters');
  });

  it('build wildcard filters that match what the builders produce', () => {
    const s = commandSubject({ tenantId: 't1', connectionId: 'c1', type: 'job.status.update' });
    expect(commandsFilter()).toBe('fsm.commands.>');
    expect(commandsFilter({ connectionId: 'c1' })).toBe('fsm.commands.*.c1.>');
    expect(subjectMatches(commandsFilter({ tenantId: 't1' }), s)).toBe(true);
    expect(subjectMatches(commandsFilter({ tenantId: 't2' }), s)).toBe(false);
    expect(subjectMatches(commandsFilter({ type: 'job.status.update' }), s)).toBe(true);
    expect(eventsFilter({ entity: 'job' })).toBe('fsm.events.*.*.job.*');
    expect(sessionsFilter('status')).toBe('fsm.sessions.*.status');
  });

  it('match NATS wildcards exactly', () => {
    expect(subjectMatches('a.*.c', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.b', 'a.b.c')).toBe(false);
  });

  it('apply a prefix to stream names and subjects so that two prefixes never overlap', () => {
    expect(streamName('commands')).toBe('FSM_COMMANDS');
    expect(streamName('commands', 'p1')).toBe('p1_FSM_COMMANDS');
    expect(withPrefix('fsm.events.>', 'p1')).toBe('p1.fsm.events.>');
    expect(withoutPrefix('p1.fsm.events.a', 'p1')).toBe('fsm.events.a');
    expect(subjectMatches(withPrefix('fsm.events.>', 'p1'), withPrefix('fsm.events.t.v.e.a', 'p2'))).toBe(
      false,
    );
    expect(() => withPrefix('fsm.x', 'a.b')).toThrow('"a.b"');
    expect(() => withoutPrefix('p2.fsm.x', 'p1')).toThrow('p1');
  });
});
