import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { deleteStreamsWithPrefix, getTestServices, uniqueStreamPrefix } from '@fieldsync/testing';

/* `npm run demo` as a user runs it: every app starts, reports ready, and stops cleanly. */

jest.setTimeout(180_000);

describe('npm run demo', () => {
  const prefix = uniqueStreamPrefix('demo');
  afterAll(() => deleteStreamsWithPrefix(prefix));

  it('starts the sandbox and every service, reports all six ready, and stops them cleanly', async () => {
    const { databaseUrl, natsUrl } = getTestServices();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/demo/demo.ts'],
      {
        cwd: resolve(__dirname, '../..'),
        timeout: 170_000,
        env: {
          PATH: process.env['PATH'] ?? '',
          DATABASE_URL: databaseUrl,
          NATS_URL: natsUrl,
          FIELDSYNC_STREAM_PREFIX: prefix,
          FIELDSYNC_DEMO_FREE_PORTS: '1',
        },
      },
    );
    for (const app of [
      'vendor-sandbox',
      'session-manager',
      'extractor',
      'writer',
      'webhook-dispatcher',
      'api',
    ]) {
      expect(stdout).toMatch(new RegExp(`^${app} +http://127\\.0\\.0\\.1:\\d+ +\\d+ +ready `, 'm'));
      expect(stdout).toContain(`  ${app}: stopped cleanly`);
    }
    expect(stdout).toContain('all 6 apps ready');
    expect(stdout).toMatch(/^api .*postgres up, nats up/m);
    expect(stdout).toMatch(/^ {2}ServiceTitan +http:\/\/127\.0\.0\.1:\d+\/login$/m);
    expect(stdout).toMatch(/^ {2}Jobber +http:\/\/127\.0\.0\.1:\d+\/login$/m);
    // Both sandbox vendors connected and logged in through the session manager (real Chromium).
    expect(stdout).toMatch(/^servicetitan +st\.admin +con_\w+ +logged in +Avery Admin /m);
    expect(stdout).toMatch(/^jobber +owner@greenleaf-hvac\.example +con_\w+ +logged in +Olive Owner /m);
    // Three job changes delivered to the demo's receiver, each signature verified.
    expect(stdout.match(/ job\.\w+ +job_\w+ +signature verified$/gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
  });
});
