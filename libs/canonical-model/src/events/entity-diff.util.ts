/** Fields that change on every write and never by themselves justify an event. */
export const DIFF_IGNORED_FIELDS: ReadonlySet<string> = new Set(['updatedAt']);

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function sortedPrimitives(values: readonly unknown[]): string[] {
  return values.map((value) => JSON.stringify(value) ?? 'undefined').sort();
}

/**
 * Deep structural equality for canonical JSON values. Arrays whose items are all primitives (tags,
 * technicianIds, ...) are compared as multisets, because the canonical model uses them as sets and vendors
 * return them in arbitrary order; arrays of objects (line items, phones) are compared in order.
 */
export function canonicalDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || (a === 0 && b === 0)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    if (a.every(isPrimitive) && b.every(isPrimitive)) {
      const left = sortedPrimitives(a);
      const right = sortedPrimitives(b);
      return left.every((value, index) => value === right[index]);
    }
    return a.every((item, index) => canonicalDeepEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    if (!canonicalDeepEqual(left[key], right[key])) return false;
  }
  return true;
}

export interface EntityDiff {
  /** Top-level fields whose value differs, in the order of the `after` object (then removed fields). */
  readonly changedFields: string[];
  /** The OLD value of each changed field (the whole top-level value, e.g. the full old address). */
  readonly previous: Record<string, unknown>;
}

/**
 * What changed between two versions of one canonical object, at top-level field granularity.
 * `updatedAt` is ignored: a re-extraction that only moved `updatedAt` (ServiceTitan bumps `modifiedOn`
 * on balance recalculations, Jobber on views) yields no changed fields, so the extractor emits no event
 * for it — the new `updatedAt` still reaches consumers with the next real change. A field missing on one
 * side counts as `undefined`, and `previous` then records `null` for it (JSON has no undefined).
 */
export function diffEntities(before: object, after: object): EntityDiff {
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = [...Object.keys(right), ...Object.keys(left).filter((key) => !(key in right))];
  const changedFields: string[] = [];
  const previous: Record<string, unknown> = {};
  for (const key of keys) {
    if (DIFF_IGNORED_FIELDS.has(key) || canonicalDeepEqual(left[key], right[key])) continue;
    changedFields.push(key);
    previous[key] = left[key] === undefined ? null : left[key];
  }
  return { changedFields, previous };
}
