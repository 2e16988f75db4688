import { driftFingerprint } from './drift-report.repository';

describe('driftFingerprint', () => {
  const issue = (path: string, code = 'invalid_type') => ({ path, code, message: `bad ${path}` });

  it('is the same kind of drift whatever the record, array index or issue order', () => {
    expect(driftFingerprint('customer', 'wire_schema', [issue('phones.0.number'), issue('name')])).toBe(
      driftFingerprint('customer', 'wire_schema', [issue('name'), issue('phones.3.number')]),
    );
  });

  it('separates entities, places and different breaks', () => {
    const base = driftFingerprint('customer', 'wire_schema', [issue('name')]);
    expect(driftFingerprint('job', 'wire_schema', [issue('name')])).not.toBe(base);
    expect(driftFingerprint('customer', 'mapping', [issue('name')])).not.toBe(base);
    expect(driftFingerprint('customer', 'wire_schema', [issue('email')])).not.toBe(base);
    expect(driftFingerprint('customer', 'wire_schema', [issue('name', 'unrecognized_keys')])).not.toBe(base);
  });
});
