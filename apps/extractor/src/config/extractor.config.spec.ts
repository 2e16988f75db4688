import { envDocs, parseConfig } from '@fieldsync/platform';
import { extractorConfigSchema } from './extractor.config';

describe('extractor config', () => {
  it('boots on the documented defaults with only the required variables set', () => {
    const result = parseConfig(extractorConfigSchema, {
      DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync',
      NATS_URL: 'nats://localhost:4222',
    });
    expect(result.ok && result.config.PORT).toBe(3002);
  });

  it('names exactly its required variables when the environment is empty', () => {
    const result = parseConfig(extractorConfigSchema, {});
    expect(result.ok ? [] : result.issues.map((i) => i.variable)).toEqual(['DATABASE_URL', 'NATS_URL']);
  });

  it('reads only variables the README table documents for extractor', () => {
    const undocumented = Object.keys(extractorConfigSchema.shape).filter(
      (name) =>
        !envDocs.some((d) => d.name === name && (d.services === 'all' || d.services.includes('extractor'))),
    );
    expect(undocumented).toEqual([]);
  });
});

describe('EXTRACTOR_STREAM_INTERVALS', () => {
  const env = { DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync', NATS_URL: 'nats://localhost:4222' };

  it('parses per-stream and per-vendor overrides to milliseconds', () => {
    const result = parseConfig(extractorConfigSchema, {
      ...env,
      EXTRACTOR_STREAM_INTERVALS: 'jobs=15s, servicetitan.pricebook-items=1h',
    });
    expect(result.ok && [...result.config.EXTRACTOR_STREAM_INTERVALS]).toEqual([
      ['jobs', 15_000],
      ['servicetitan.pricebook-items', 3_600_000],
    ]);
  });

  it.each(['jobs', 'jobs=0s', 'acme.jobs=1m', 'jobs=soon'])('rejects %j naming the variable', (value) => {
    const result = parseConfig(extractorConfigSchema, { ...env, EXTRACTOR_STREAM_INTERVALS: value });
    expect(result.ok ? [] : result.issues.map((i) => i.variable)).toEqual(['EXTRACTOR_STREAM_INTERVALS']);
  });
});
