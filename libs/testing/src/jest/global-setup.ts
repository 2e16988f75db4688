import { provideNats, providePostgres, type ProvidedService } from '../services/service-discovery';
import { TEST_DATABASE_URL_ENV, TEST_NATS_URL_ENV } from '../services/test-services.constants';

declare global {
  var __FIELDSYNC_TEST_SERVICES__: ProvidedService[] | undefined;
}

/**
 * Jest globalSetup of the `int` project: finds or starts one Postgres and one NATS for the whole run
 * and hands their URLs to the workers through the environment. Suites then take a fresh database and
 * their own stream prefix each, so they never see each other's data.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`[fieldsync test harness] ${line}\n`);
  };
  const [postgres, nats] = await Promise.all([providePostgres({ log }), provideNats({ log })]);
  globalThis.__FIELDSYNC_TEST_SERVICES__ = [postgres, nats];
  process.env[TEST_DATABASE_URL_ENV] = postgres.url;
  process.env[TEST_NATS_URL_ENV] = nats.url;
  log(`Postgres (${postgres.source}) and NATS (${nats.source}) ready`);
}
