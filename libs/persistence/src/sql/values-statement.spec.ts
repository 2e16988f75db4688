import { quoted, valuesStatement } from './values-statement';

describe('valuesStatement', () => {
  it('numbers every value of every row as a parameter, in row order, with the casts of its column', () => {
    const query = valuesStatement(
      'change_events',
      ['id', 'sequence', 'payload'],
      [
        ['evt_1', '1', '{"a":1}'],
        ['evt_2', '2', null],
      ],
      { sequence: 'bigint', payload: 'jsonb' },
    );
    expect(query.sql).toBe(
      'insert into "change_events" ("id","sequence","payload") values ($1,$2::bigint,$3::jsonb),($4,$5::bigint,$6::jsonb)',
    );
    expect(query.parameters).toEqual(['evt_1', '1', '{"a":1}', 'evt_2', '2', null]);
  });

  it('appends the caller’s suffix and quotes names as identifiers', () => {
    const query = valuesStatement(
      'jobs',
      ['id', 'we"ird'],
      [['job_1', 2]],
      {},
      'on conflict (id) do nothing',
    );
    expect(query.sql).toBe('insert into "jobs" ("id","we""ird") values ($1,$2) on conflict (id) do nothing');
    expect(quoted('a"b')).toBe('"a""b"');
  });

  it('refuses a row of the wrong width, no rows, a cast of no column and too many parameters', () => {
    expect(() => valuesStatement('t', ['a', 'b'], [[1, 2], [3]])).toThrow(
      'valuesStatement(t): row 1 has 1 values for 2 columns',
    );
    expect(() => valuesStatement('t', ['a'], [])).toThrow('valuesStatement(t): no rows');
    expect(() => valuesStatement('t', [], [[]])).toThrow('valuesStatement(t): no columns');
    expect(() => valuesStatement('t', ['a'], [[1]], { b: 'jsonb' })).toThrow(
      'valuesStatement(t): a cast names b, which is not a column',
    );
    const wide = Array.from({ length: 8_192 }, () => Array.from({ length: 9 }, () => 0));
    expect(() =>
      valuesStatement(
        't',
        Array.from({ length: 9 }, (_, i) => `c${i}`),
        wide,
      ),
    ).toThrow('exceed 65,535 parameters');
  });
});
