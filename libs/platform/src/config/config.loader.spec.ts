import { z } from 'zod';
import { formatConfigIssues, loadConfig, parseConfig } from './config.loader';
import { envDocs, renderEnvDocsMarkdown } from './env-docs';
import {
  adminEnv,
  baseEnv,
  browserEnv,
  databaseEnv,
  httpEnv,
  natsEnv,
  sessionTokenEnv,
  streamsEnv,
  streamsSettings,
  vaultEnv,
} from './env.schema';

const schema = z.object({
  ...baseEnv.shape,
  ...httpEnv(3001).shape,
  ...databaseEnv.shape,
  ...natsEnv.shape,
  ...streamsEnv.shape,
  ...vaultEnv.shape,
  ...adminEnv.shape,
  ...sessionTokenEnv.shape,
  ...browserEnv.shape,
});

const VAULT_KEY = Buffer.alloc(32, 7).toString('base64');
const valid = {
  DATABASE_URL: 'postgres://fs:s3cr3t-pw@db.internal:5432/fieldsync',
  NATS_URL: 'nats://a:4222, nats://b:4222',
  FIELDSYNC_VAULT_KEY: VAULT_KEY,
};

describe('parseConfig', () => {
  it('applies defaults and parses typed values', () => {
    const result = parseConfig(schema, valid);
    if (!result.ok) throw new Error(formatConfigIssues('t', result.issues));
    expect(result.config).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: 3001,
      HOST: '0.0.0.0',
      NATS_URL: ['nats://a:4222', 'nats://b:4222'],
      FIELDSYNC_STREAM_PREFIX: '',
      FIELDSYNC_STREAM_REPLICAS: 1,
      FIELDSYNC_EVENTS_MAX_AGE: 7 * 86_400_000,
      FIELDSYNC_DEDUP_WINDOW: 120_000,
      FIELDSYNC_BOOT_TIMEOUT_MS: 15_000,
      FIELDSYNC_VAULT_KEY_ID: 'k1',
    });
    expect(result.config.FIELDSYNC_VAULT_KEY).toEqual(Buffer.alloc(32, 7));
  });

  it('parses durations with units', () => {
    const result = parseConfig(schema, {
      ...valid,
      FIELDSYNC_EVENTS_MAX_AGE: '24h',
      FIELDSYNC_DEDUP_WINDOW: '90s',
    });
    expect(
      result.ok && [result.config.FIELDSYNC_EVENTS_MAX_AGE, result.config.FIELDSYNC_DEDUP_WINDOW],
    ).toEqual([86_400_000, 90_000]);
  });

  it('names every bad variable, telling missing from malformed', () => {
    const result = parseConfig(schema, {
      NATS_URL: 'http://not-nats:4222',
      PORT: '70000',
      LOG_LEVEL: 'loud',
      FIELDSYNC_STREAM_PREFIX: 'has.dot',
      FIELDSYNC_EVENTS_MAX_AGE: 'a week',
      FIELDSYNC_BOOT_TIMEOUT_MS: 'soon',
      FIELDSYNC_VAULT_KEY: 'dG9vIHNob3J0', // "too short"
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.variable, i.problem])).toEqual([
      ['DATABASE_URL', 'missing'],
      ['FIELDSYNC_BOOT_TIMEOUT_MS', 'malformed'],
      ['FIELDSYNC_EVENTS_MAX_AGE', 'malformed'],
      ['FIELDSYNC_STREAM_PREFIX', 'malformed'],
      ['FIELDSYNC_VAULT_KEY', 'malformed'],
      ['LOG_LEVEL', 'malformed'],
      ['NATS_URL', 'malformed'],
      ['PORT', 'malformed'],
    ]);
    const vault = result.issues.find((i) => i.variable === 'FIELDSYNC_VAULT_KEY');
    expect(vault?.message).toMatch(/32 bytes/);
  });

  it('treats an empty variable as unset', () => {
    const result = parseConfig(schema, { ...valid, DATABASE_URL: '', LOG_LEVEL: '' });
    expect(result.ok ? [] : result.issues).toEqual([
      { variable: 'DATABASE_URL', problem: 'missing', message: 'is required but not set' },
    ]);
  });

  it('never echoes a value, secret or not', () => {
    const secrets = {
      DATABASE_URL: 'mysql://root:hunter2-db-password@db/fieldsync',
      FIELDSYNC_VAULT_KEY: 'c3VwZXItc2VjcmV0LXZhdWx0LWtleQ==',
      NATS_URL: 'nats-token-abc123',
      PORT: 'port-value-xyz',
    };
    const result = parseConfig(schema, secrets);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = formatConfigIssues('session-manager', result.issues);
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('DATABASE_URL: malformed');
  });
});

describe('loadConfig', () => {
  it('prints every bad variable to stderr and exits 1', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() =>
        loadConfig(schema, { NATS_URL: 'nope', FIELDSYNC_VAULT_KEY: VAULT_KEY }, 'writer'),
      ).toThrow('exit 1');
      const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('writer: invalid configuration (2 variables)');
      expect(printed).toContain('DATABASE_URL: missing');
      expect(printed).toContain('NATS_URL: malformed');
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });

  it('returns the parsed config when valid', () => {
    expect(loadConfig(schema, valid).DATABASE_POOL_MAX).toBe(10);
  });
});

describe('streamsSettings', () => {
  it('maps the stream variables onto the messaging StreamsConfig shape', () => {
    const result = parseConfig(streamsEnv, { FIELDSYNC_STREAM_PREFIX: 'ci_1', FIELDSYNC_DLQ_MAX_AGE: '1d' });
    if (!result.ok) throw new Error('invalid');
    expect(streamsSettings(result.config)).toMatchObject({
      prefix: 'ci_1',
      replicas: 1,
      duplicateWindowMs: 120_000,
      dlq: { maxAgeMs: 86_400_000 },
    });
  });
});

describe('envDocs', () => {
  it('documents every variable of the shared fragments, and nothing else shared', () => {
    // Variables of one app alone (the sandbox's SANDBOX_*, the session manager's SESSION_*) are not in
    // the shared fragments; that app's config spec checks them both ways.
    const fragmentVariables = Object.keys(schema.shape).sort();
    // NODE_OPTIONS is Node's own (documented for the manifests' heap limit), in no fieldsync schema.
    const shared = envDocs.filter((d) => !d.runtime && (d.services === 'all' || d.services.length > 1));
    expect(shared.map((d) => d.name).sort()).toEqual(fragmentVariables);
  });

  it('renders a Markdown table with one row per variable', () => {
    const markdown = renderEnvDocsMarkdown();
    expect(markdown.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(envDocs.length);
    expect(markdown).toContain('| `DATABASE_URL` | **required** |');
  });
});
