import { validEntities } from '../__fixtures__/entities.fixture';
import { entitySchemas } from '../entities/entity-registry.schema';
import { stringifyCanonical } from './canonical-json.util';
import { MONEY_FIELD_NAMES } from './money-fields.constants';
import { Money } from './money.util';

describe('stringifyCanonical', () => {
  it('writes money with exactly two decimals, as the seeds show', () => {
    const text = stringifyCanonical({
      currency: 'USD',
      subtotal: 1299,
      tax: 104,
      total: 1403,
      quantity: 2,
      note: 'x',
    });
    expect(text).toBe(
      '{"currency":"USD","subtotal":1299.00,"tax":104.00,"total":1403.00,"quantity":2,"note":"x"}',
    );
    expect(JSON.parse(text)).toEqual({
      currency: 'USD',
      subtotal: 1299,
      tax: 104,
      total: 1403,
      quantity: 2,
      note: 'x',
    });
  });

  it('uses the nearest enclosing currency and its exponent', () => {
    const text = stringifyCanonical({
      currency: 'JPY',
      total: 1500,
      lines: [{ unitPrice: 500 }],
      other: { currency: 'BHD', amount: 1.25 },
    });
    expect(text).toBe(
      '{"currency":"JPY","total":1500,"lines":[{"unitPrice":500}],"other":{"currency":"BHD","amount":1.250}}',
    );
  });

  it('refuses money that is not exact or has no currency', () => {
    expect(() => stringifyCanonical({ currency: 'USD', total: 1.005 })).toThrow(/more than 2 decimals/);
    expect(() => stringifyCanonical({ total: 1 })).toThrow(/no currency in scope/);
  });

  it('writes every amount exactly as Money does, and refuses what Money refuses (fuzzed)', () => {
    // A seeded generator (xorshift) so a failure names an amount that reproduces.
    let state = 0x2545f491;
    const next = (): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 0x1_0000_0000;
    };
    const amounts: number[] = [0, -0, 0.1 + 0.2, 1.005, 1e21, -1e-7, 9_999_999_999_999.99, 1e13, -1e13];
    for (let i = 0; i < 20_000; i += 1) {
      const places = Math.floor(next() * 5);
      const whole = Math.floor(next() * 10 ** Math.floor(next() * 14));
      const sign = next() < 0.3 ? -1 : 1;
      const decimal = `${whole}.${String(Math.floor(next() * 10 ** places)).padStart(places, '0')}`;
      amounts.push(sign * Number(places === 0 ? String(whole) : decimal), sign * next() * 10 ** (next() * 8));
    }
    // Compared in a loop and asserted once: 120,000 expect() calls took 30 s of a CI run.
    const mismatches: string[] = [];
    const outcome = (write: () => string): string => {
      try {
        return write();
      } catch (error) {
        return `throws ${(error as Error).message}`;
      }
    };
    for (const currency of ['USD', 'JPY', 'BHD']) {
      for (const amount of amounts) {
        const expected = outcome(
          () => `{"currency":"${currency}","total":${Money.fromAmount(amount, currency).toDecimalString()}}`,
        );
        const actual = outcome(() => stringifyCanonical({ currency, total: amount }));
        if (actual !== expected) mismatches.push(`${currency} ${amount}: ${actual} (Money: ${expected})`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('names the path of a value it cannot write', () => {
    expect(() => stringifyCanonical({ a: [{ b: 1 }, { c: Number.NaN }] })).toThrow(
      'cannot serialise non-finite number at $.a[1].c',
    );
    expect(() => stringifyCanonical({ lines: [{ unitPrice: 1 }] })).toThrow(
      'money field $.lines[0].unitPrice has no currency in scope',
    );
    expect(() => stringifyCanonical([{ n: 1n }])).toThrow('cannot serialise bigint at $[0].n');
  });

  it('writes Money instances, negative amounts, nulls, and can sort keys', () => {
    expect(stringifyCanonical({ b: Money.parse('-0.5', 'USD'), a: null, u: undefined })).toBe(
      '{"b":{"amount":-0.50,"currency":"USD"},"a":null}',
    );
    expect(stringifyCanonical({ b: 1, a: [2, { d: 1, c: 2 }] }, { sortKeys: true })).toBe(
      '{"a":[2,{"c":2,"d":1}],"b":1}',
    );
  });

  it('round-trips every fixture entity through JSON.parse unchanged', () => {
    for (const [type, entity] of Object.entries(validEntities())) {
      const parsed = JSON.parse(stringifyCanonical(entity)) as unknown;
      expect(parsed).toEqual(entity);
      expect(entitySchemas[type as keyof typeof entitySchemas].safeParse(parsed).success).toBe(true);
    }
  });

  it('MONEY_FIELD_NAMES matches exactly the fields built with moneyAmountSchema', () => {
    const moneyNames = new Set<string>();
    const otherNames = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      const properties = record['properties'];
      if (properties && typeof properties === 'object') {
        for (const [name, schema] of Object.entries(properties as Record<string, unknown>)) {
          (JSON.stringify(schema).includes('"format":"money"') && isMoney(schema)
            ? moneyNames
            : otherNames
          ).add(name);
        }
      }
      Object.values(record).forEach(walk);
    };
    const isMoney = (schema: unknown): boolean => {
      const s = schema as { format?: string; anyOf?: { format?: string }[] };
      return s.format === 'money' || (s.anyOf ?? []).some((option) => option.format === 'money');
    };
    for (const schema of Object.values(entitySchemas)) walk(schema.toJSONSchema());
    for (const name of moneyNames) expect(MONEY_FIELD_NAMES.has(name)).toBe(true);
    for (const name of otherNames) expect(MONEY_FIELD_NAMES.has(name)).toBe(false);
  });
});
