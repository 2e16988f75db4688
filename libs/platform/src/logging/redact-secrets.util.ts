import { REDACTED, SECRET_KEYS } from './redact-paths.constants';

const normalize = (key: string): string => key.replace(/[-_]/g, '').toLowerCase();
const SECRET = new Set(SECRET_KEYS.map(normalize));
/** `scheme://user:password@host` in any string value: the password part goes. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi;
/** Deeper than this, a branch is replaced by `[Truncated]` rather than logged unchecked. */
const MAX_DEPTH = 12;

export function isSecretKey(key: string): boolean {
  return SECRET.has(normalize(key));
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function copyError(error: Error): Error & Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error & Record<string, unknown>;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  // V8 may keep `stack` as an accessor bound to the original; copy the text itself.
  Object.defineProperty(copy, 'stack', { value: error.stack, writable: true, configurable: true });
  return copy;
}

const IN_PROGRESS = Symbol('in-progress');
type Memo = Map<object, unknown>;

function redact(value: unknown, depth: number, memo: Memo): unknown {
  if (typeof value === 'string') {
    return value.includes('://') ? value.replace(URL_CREDENTIALS, `$1${REDACTED}@`) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const isError = value instanceof Error;
  // Class instances (a raw IncomingMessage, a Buffer, a Kysely ...) are left to their serializers.
  if (!Array.isArray(value) && !isError && !isPlainObject(value)) return value;
  const known = memo.get(value);
  // A reference back into an object being redacted would reach the unredacted original.
  if (known === IN_PROGRESS) return '[Circular]';
  if (known !== undefined) return known;
  if (depth > MAX_DEPTH) return '[Truncated]';
  memo.set(value, IN_PROGRESS);
  let result: unknown;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const r = redact(item, depth + 1, memo);
      if (r !== item) (out ??= [...(value as unknown[])])[i] = r;
    });
    result = out ?? value;
  } else {
    const source = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    const keys = isError ? [...Object.keys(source), 'message', 'cause'] : Object.keys(source);
    for (const key of keys) {
      const v = source[key];
      if (v === undefined) continue;
      const r = isSecretKey(key) ? REDACTED : redact(v, depth + 1, memo);
      if (r !== v) {
        out ??= isError ? copyError(value) : { ...source };
        out[key] = r;
      }
    }
    result = out ?? value;
  }
  memo.set(value, result);
  return result;
}

/**
 * A copy of `value` with every secret-named key (SECRET_KEYS, any depth, plain objects, arrays and
 * errors) replaced by `[REDACTED]` and URL credentials removed from strings. The input is never
 * mutated; untouched branches are shared, not copied. Also usable for error messages and payloads
 * that leave the process.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0, new Map()) as T;
}
