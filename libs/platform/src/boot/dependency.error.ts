/** A dependency (Postgres, NATS ...) could not be reached at boot: fatal, the process exits non-zero. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  constructor(
    readonly dependency: string,
    cause: unknown,
  ) {
    super(`${dependency} is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
