import { CurrencyCode, MAX_MINOR_UNITS, currencyExponent, isSupportedCurrency } from './currency.constants';
import { MONEY_FIELD_NAMES } from './money-fields.constants';
import { Money } from './money.util';

export interface StringifyCanonicalOptions {
  /** Sort object keys (for hashing / request fingerprints). Default false: insertion order, like JSON.stringify. */
  readonly sortKeys?: boolean;
  /**
   * The currency of money fields that have no `currency` field of their own in an enclosing object (the
   * root scope). A change event's `data.previous` holds only the changed fields, so its amounts are
   * written in the currency of `data.object` (see stringifyEventPayload).
   */
  readonly currency?: CurrencyCode;
}

/** Where a value sits, for error messages only: built when a container is entered, rendered on error. */
interface PathNode {
  readonly parent: PathNode | null;
  readonly key: string | number | null;
}

function renderPath(parent: PathNode | null, key: string | number | null): string {
  const keys: (string | number)[] = [];
  if (key !== null) keys.push(key);
  for (let node = parent; node; node = node.parent) if (node.key !== null) keys.push(node.key);
  let path = '$';
  for (let i = keys.length - 1; i >= 0; i -= 1) {
    const k = keys[i] as string | number;
    path += typeof k === 'number' ? `[${k}]` : `.${k}`;
  }
  return path;
}

/** `JSON.stringify(key)` of the property names met (canonical schemas have a few hundred), memoised. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 10_000;
function quoteKey(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, text);
  }
  return text;
}

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/**
 * A money amount with exactly its currency's decimals: what `Money.fromAmount(amount, currency)
 * .toDecimalString()` writes, without building a Money. The fast path takes an amount that is exactly a
 * whole number of minor units within the supported range (the double nearest to minor/10^exponent); any
 * other amount (too precise, out of range, not finite) goes through Money, which throws its error.
 */
function writeAmount(amount: number, currency: CurrencyCode): string {
  const exponent = currencyExponent(currency);
  const scale = POWERS_OF_TEN[exponent];
  if (scale !== undefined) {
    const minor = Math.round(amount * scale);
    if (Math.abs(minor) <= MAX_MINOR_UNITS && minor / scale === amount) {
      const digits = Math.abs(minor)
        .toString()
        .padStart(exponent + 1, '0');
      const body = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
      return minor < 0 ? `-${body}` : body;
    }
  }
  return Money.fromAmount(amount, currency).toDecimalString();
}

function writeValue(
  value: unknown,
  currency: CurrencyCode | undefined,
  options: StringifyCanonicalOptions,
  parent: PathNode | null,
  key: string | number | null,
): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`cannot serialise non-finite number at ${renderPath(parent, key)}`);
      }
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError(
        `cannot serialise bigint at ${renderPath(parent, key)}; convert to a number or string first`,
      );
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value === null) return 'null';
  if (value instanceof Money) {
    return `{"amount":${value.toDecimalString()},"currency":"${value.currency}"}`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return writeValue((value as { toJSON: () => unknown }).toJSON(), currency, options, parent, key);
  }
  const here: PathNode = { parent, key };
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      text += writeValue(value[index], currency, options, here, index) ?? 'null';
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const own = record['currency'];
  const scope = typeof own === 'string' && isSupportedCurrency(own) ? own : currency;
  const keys = Object.keys(record);
  if (options.sortKeys) keys.sort();
  let text = '{';
  let first = true;
  for (const name of keys) {
    const child = record[name];
    let written: string | undefined;
    if (typeof child === 'number' && MONEY_FIELD_NAMES.has(name)) {
      if (!scope) throw new TypeError(`money field ${renderPath(here, name)} has no currency in scope`);
      written = writeAmount(child, scope);
    } else {
      written = writeValue(child, scope, options, here, name);
    }
    if (written === undefined) continue;
    text += first ? `${quoteKey(name)}:${written}` : `,${quoteKey(name)}:${written}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * JSON.stringify for canonical objects that writes every money field with exactly its currency's decimals.
 *
 * JSON numbers carry no trailing zeros once parsed: `JSON.parse('{"total":1403.00}').total === 1403`, and
 * JSON.stringify would write `1403`. Both are the same JSON number, exact to two places. Integrators and
 * the seeds expect `"total": 1403.00`, so wire output (events, webhooks, API responses) goes through this
 * serialiser, which emits the literal `1403.00` for fields named in MONEY_FIELD_NAMES, formatted from
 * integer minor units (no float formatting), in the currency of the nearest enclosing `currency` field
 * (JPY `1403`, BHD `1.250`). It throws on an amount more precise than its currency or with no currency,
 * because canonical data must already be exact. `Money` instances are written as `{"amount":…,"currency":…}`.
 * Parsing needs nothing special: `JSON.parse` of the output gives back the canonical object.
 */
export function stringifyCanonical(value: unknown, options: StringifyCanonicalOptions = {}): string {
  const text = writeValue(value, options.currency, options, null, null);
  if (text === undefined) throw new TypeError('cannot serialise undefined');
  return text;
}

/** Alias that reads well at call sites building wire payloads. */
export const toCanonicalJson = stringifyCanonical;
