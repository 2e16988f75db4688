import type { Registry } from 'prom-client';

/** Injection token of the service's prom-client `Registry`. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * The registry's metric of that name, or the one `create` registers: services build their metrics
 * classes more than once against one registry (tests, a module re-created), and prom-client refuses a
 * second registration of a name.
 */
export function metricOnce<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
