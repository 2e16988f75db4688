import { desiredStreamConfig } from './stream.provisioner';
import { parseStreamsConfig } from './streams.schema';

describe('StreamsConfigSchema', () => {
  it('defaults to one replica, file storage and the public names', () => {
    const cfg = parseStreamsConfig();
    expect(cfg).toMatchObject({ prefix: '', replicas: 1, storage: 'file', duplicateWindowMs: 120_000 });
    expect(desiredStreamConfig('commands', cfg)).toMatchObject({
      name: 'FSM_COMMANDS',
      subjects: ['fsm.commands.>'],
      retention: 'workqueue',
      discard: 'new',
    });
    expect(desiredStreamConfig('events', parseStreamsConfig({ prefix: 'p1' }))).toMatchObject({
      name: 'p1_FSM_EVENTS',
      subjects: ['p1.fsm.events.>'],
      retention: 'limits',
    });
  });

  it('rejects a bad prefix and a dedup window longer than max age, naming the field', () => {
    expect(() => parseStreamsConfig({ prefix: 'a.b' })).toThrow(/prefix/);
    expect(() => parseStreamsConfig({ duplicateWindowMs: 60_000, events: { maxAgeMs: 1_000 } })).toThrow(
      /events[\s\S]*maxAgeMs|maxAgeMs/,
    );
    expect(() => parseStreamsConfig({ replicas: 7 })).toThrow(/replicas/);
  });
});
