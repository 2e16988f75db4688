import { DependencyUnavailableError } from './dependency.error';

/** Dependencies being connected right now, so a boot timeout can say which one it was waiting for. */
const connecting = new Set<string>();

export function dependenciesBeingConnected(): string[] {
  return [...connecting].sort();
}

/**
 * Runs `connect` bounded by `timeoutMs`; any failure or a timeout becomes a
 * DependencyUnavailableError naming the dependency, which bootstrapService reports before exiting.
 * Use it in the provider factory that opens a connection at boot.
 */
export async function connectDependency<T>(
  dependency: string,
  connect: () => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  connecting.add(dependency);
  try {
    return await Promise.race([
      Promise.resolve().then(connect),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs}ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw error instanceof DependencyUnavailableError
      ? error
      : new DependencyUnavailableError(dependency, error);
  } finally {
    connecting.delete(dependency);
    clearTimeout(timer);
  }
}
