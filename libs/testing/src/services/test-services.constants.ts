/** Set by the jest globalSetup for the workers; not configuration anyone else reads. */
export const TEST_DATABASE_URL_ENV = 'FIELDSYNC_TEST_DATABASE_URL';
export const TEST_NATS_URL_ENV = 'FIELDSYNC_TEST_NATS_URL';
