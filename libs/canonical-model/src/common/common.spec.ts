import { addressSchema } from './address.schema';
import { containsCardNumber } from './card-number.util';
import { phoneSchema } from './contact-point.schema';
import { normalizePhoneNumber } from './phone.util';
import { customFieldsSchema } from './tags.schema';
import { compareTimestamps, dateSchema, timestampSchema } from './timestamp.schema';
import { normalizeTimestamp } from './timestamp.util';
import { vendorSchema } from './vendor.schema';

describe('timestampSchema', () => {
  it.each(['2026-02-01T15:00:00Z', '2026-02-01T15:00:00.123Z', '2024-02-29T23:59:59.123456789Z'])(
    'accepts %s',
    (value) => {
      expect(timestampSchema.parse(value)).toBe(value);
    },
  );

  it.each([
    '2026-02-01T15:00:00+01:00',
    '2026-02-01T15:00:00',
    '2026-02-01 15:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-02-01T24:00:00Z',
    '2025-02-29T00:00:00Z',
  ])('rejects %s', (value) => expect(timestampSchema.safeParse(value).success).toBe(false));

  it('orders timestamps of different precision chronologically', () => {
    expect(compareTimestamps('2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00.499999Z')).toBe(1);
    expect(compareTimestamps('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z')).toBe(0);
  });
});

describe('dateSchema', () => {
  it('accepts real dates and rejects impossible ones', () => {
    expect(dateSchema.parse('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2025-02-29', '2026-04-31', '2026-13-01', '2026-1-01', '2026-02-01T00:00:00Z']) {
      expect(dateSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('normalizeTimestamp', () => {
  it('converts explicit offsets to UTC Z', () => {
    expect(normalizeTimestamp('2026-02-01T10:00:00-05:00')).toBe('2026-02-01T15:00:00Z');
    expect(normalizeTimestamp('2026-02-01T16:00:00.250+0100')).toBe('2026-02-01T15:00:00.250Z');
    expect(normalizeTimestamp(new Date(Date.UTC(2026, 1, 1, 15)))).toBe('2026-02-01T15:00:00Z');
  });

  it('refuses zone-less local times (Workiz/TOM) instead of guessing', () => {
    expect(() => normalizeTimestamp('2026-02-01 10:00:00')).toThrow(/explicit offset/);
  });
});

describe('contact points and addresses', () => {
  it('normalises phone numbers to E.164 or null', () => {
    expect(normalizePhoneNumber('+1-404-555-0198')).toBe('+14045550198');
    expect(normalizePhoneNumber('(619) 555-1234 x12')).toBe('+16195551234');
    expect(normalizePhoneNumber('16195551234')).toBe('+16195551234');
    expect(normalizePhoneNumber('555-1234')).toBeNull();
    expect(normalizePhoneNumber('+44 20 7946 0958')).toBe('+442079460958');
  });

  it('rejects a phone whose e164 is not E.164', () => {
    const phone = { type: 'mobile', number: '619', e164: '6195551234', extension: null, primary: true };
    expect(phoneSchema.safeParse(phone).error?.issues[0]?.path).toEqual(['e164']);
  });

  it('requires line1 and rejects unknown address keys', () => {
    const address = {
      line1: '',
      line2: null,
      city: null,
      region: null,
      postalCode: null,
      country: null,
      geo: null,
    };
    expect(addressSchema.safeParse(address).error?.issues[0]?.path).toEqual(['line1']);
    expect(addressSchema.safeParse({ ...address, line1: 'x', street: 'y' }).success).toBe(false);
  });

  it('keeps custom fields scalar', () => {
    expect(customFieldsSchema.safeParse({ parking_instructions: 'Use driveway', floors: 2 }).success).toBe(
      true,
    );
    expect(customFieldsSchema.safeParse({ nested: { a: 1 } }).success).toBe(false);
  });

  it('accepts only the five vendors', () => {
    expect(vendorSchema.options).toEqual(['servicetitan', 'jobber', 'workiz', 'housecallpro', 'tom']);
    expect(vendorSchema.safeParse('fieldedge').error?.issues[0]?.message).toMatch(
      /unknown vendor "fieldedge"/,
    );
  });
});

describe('containsCardNumber', () => {
  it('finds Luhn-valid 13-19 digit runs, with or without separators', () => {
    expect(containsCardNumber('4242424242424242')).toBe(true);
    expect(containsCardNumber('paid with 4111-1111-1111-1111 today')).toBe(true);
    expect(containsCardNumber('4242424242424241')).toBe(false);
    expect(containsCardNumber('call +16195551234, ref ch_1Ng8cYH, 20260201170000123456')).toBe(false);
  });
});
