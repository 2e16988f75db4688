import { CurrencyCode, isSupportedCurrency } from './currency.constants';
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

function writeValue(
  value: unknown,
  currency: CurrencyCode | undefined,
  path: string,
  options: StringifyCanonicalOptions,
): string | undefined {
  if (value === null) return 'null';
  if (value instanceof Money) {
    return `{"amount":${value.toDecimalString()},"currency":"${value.currency}"}`;
  }
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return writeValue((value as { toJSON: () => unknown }).toJSON(), currency, path, options);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot serialise non-finite number at ${path}`);
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError(`cannot serialise bigint at ${path}; convert to a number or string first`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (Array.isArray(value)) {
    const items = value.map(
      (item, index) => writeValue(item, currency, `${path}[${index}]`, options) ?? 'null',
    );
    return `[${items.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const own = record['currency'];
  const scope = typeof own === 'string' && isSupportedCurrency(own) ? own : currency;
  const keys = Object.keys(record);
  if (options.sortKeys) keys.sort();
  const parts: string[] = [];
  for (const key of keys) {
    const child = record[key];
    const childPath = `${path}.${key}`;
    let text: string | undefined;
    if (MONEY_FIELD_NAMES.has(key) && typeof child === 'number') {
      if (!scope) throw new TypeError(`money field ${childPath} has no currency in scope`);
      text = Money.fromAmount(child, scope).toDecimalString();
    } else {
      text = writeValue(child, scope, childPath, options);
    }
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
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
  const text = writeValue(value, options.currency, '$', options);
  if (text === undefined) throw new TypeError('cannot serialise undefined');
  return text;
}

/** Alias that reads well at call sites building wire payloads. */
export const toCanonicalJson = stringifyCanonical;
