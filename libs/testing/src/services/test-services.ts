import { randomBytes } from 'node:crypto';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.util';
import { TEST_DATABASE_URL_ENV, TEST_NATS_URL_ENV } from './test-services.constants';

export interface TestServices {
  /** A server-level URL (database `postgres`) on which suites may create and drop databases. */
  databaseUrl: string;
  natsUrl: string;
}

/** The services the globalSetup found or started; only available in the `int` jest project. */
export function getTestServices(): TestServices {
  const databaseUrl = process.env[TEST_DATABASE_URL_ENV];
  const natsUrl = process.env[TEST_NATS_URL_ENV];
  if (!databaseUrl || !natsUrl) {
    throw new Error(
      `${TEST_DATABASE_URL_ENV}/${TEST_NATS_URL_ENV} are not set: integration specs (*.int-spec.ts) must run in the ` +
        'jest "int" project, whose globalSetup provides Postgres and NATS (npm test, or jest --selectProjects int).',
    );
  }
  return { databaseUrl, natsUrl };
}

export type TestDatabase = ScratchDatabase;

/** Creates a fresh, empty database; drop() removes it even if connections are still open. */
export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 20);
  return createScratchDatabase(getTestServices().databaseUrl, `fs_test_${safeLabel}`);
}

/** A token unique to this call, usable as a stream-name and subject prefix (`[a-z0-9_]`). */
export function uniqueStreamPrefix(label = 't'): string {
  const safeLabel =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 12) || 't';
  return `${safeLabel}_${randomBytes(5).toString('hex')}`;
}
