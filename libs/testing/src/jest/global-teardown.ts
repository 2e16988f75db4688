export default async function globalTeardown(): Promise<void> {
  const services = globalThis.__FIELDSYNC_TEST_SERVICES__ ?? [];
  await Promise.allSettled(services.map((s) => s.dispose()));
  globalThis.__FIELDSYNC_TEST_SERVICES__ = undefined;
}
