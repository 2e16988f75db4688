import type { Vendor } from '@fieldsync/canonical-model';
import type { StreamReader } from '@fieldsync/connector-kit';

/** The stream's interval in whole seconds: `<vendor>.<stream>` override, else `<stream>`, else the reader's default. */
export function streamIntervalSeconds(
  vendor: Vendor,
  stream: Pick<StreamReader, 'stream' | 'intervalMs'>,
  overrides: ReadonlyMap<string, number>,
): number {
  const ms = overrides.get(`${vendor}.${stream.stream}`) ?? overrides.get(stream.stream) ?? stream.intervalMs;
  return Math.max(1, Math.ceil(ms / 1000));
}
