import { DEFAULT_CHECK_TIMEOUT_MS } from './health.constants';
import type { CheckOutcome, ReadinessCheck, ReadinessReport } from './readiness.types';

export class CheckTimeoutError extends Error {
  override readonly name = 'CheckTimeoutError';
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(errorMessage).join('; ');
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Runs one check, bounded by `timeoutMs` (a check that hangs is reported down, never awaited forever). */
export async function runCheck(check: ReadinessCheck, timeoutMs?: number): Promise<CheckOutcome> {
  const bound = timeoutMs ?? check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => check.check()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeoutError(`timed out after ${bound}ms`)), bound);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: errorMessage(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently; the report is `ok` only when all are up. */
export async function runChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs?: number,
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(checks.map((c) => runCheck(c, timeoutMs)));
  const report: ReadinessReport = { status: 'ok', checks: {} };
  checks.forEach((c, i) => {
    const outcome = outcomes[i];
    if (!outcome) return;
    report.checks[c.name] = outcome;
    if (outcome.status === 'down') report.status = 'error';
  });
  return report;
}
