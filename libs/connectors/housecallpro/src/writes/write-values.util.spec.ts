import { arrivalMinutes, hcpAddress, sameAddress, windowEnd } from './write-values.util';
import { assertSubtotal, expectedTotals } from './write-totals.util';

const ADDRESS = {
  line1: '12 Elm St',
  line2: 'Apt 4',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
};

describe('Housecall Pro write values', () => {
  it("writes an address as AddressCreate, refuses a geo point by name, and knows the vendor's copy of it", () => {
    expect(hcpAddress(ADDRESS, 'payload.billingAddress')).toEqual({
      street: '12 Elm St',
      street_line_2: 'Apt 4',
      city: 'Austin',
      state: 'TX',
      zip: '78701',
      country: 'US',
    });
    expect(() => hcpAddress({ ...ADDRESS, geo: { lat: 30, lon: -97 } }, 'payload.billingAddress')).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        details: { field: 'payload.billingAddress.geo' },
      }) as Error,
    );
    const vendor = {
      id: `adr_${'a'.repeat(32)}`,
      type: 'service' as const,
      street: '12  elm st',
      street_line_2: 'APT 4',
      city: 'Austin',
      state: 'TX',
      zip: '78701',
      country: 'US',
    };
    expect(sameAddress(vendor, ADDRESS)).toBe(true);
    expect(sameAddress({ ...vendor, zip: '78702' }, ADDRESS)).toBe(false);
  });

  it('ends a window by its end or its duration, and writes an arrival window only from the start', () => {
    expect(windowEnd({ scheduledStart: '2026-12-09T15:00:00Z', durationMinutes: 90 })).toBe(
      '2026-12-09T16:30:00.000Z',
    );
    expect(windowEnd({ scheduledStart: '2026-12-09T15:00:00Z', scheduledEnd: '2026-12-09T17:00:00Z' })).toBe(
      '2026-12-09T17:00:00.000Z',
    );
    const start = '2026-12-09T15:00:00Z';
    expect(arrivalMinutes({ scheduledStart: start }, 'payload.appointment')).toBeUndefined();
    expect(
      arrivalMinutes(
        { scheduledStart: start, arrivalWindowStart: start, arrivalWindowEnd: '2026-12-09T16:00:00Z' },
        'payload.appointment',
      ),
    ).toBe(60);
    expect(() =>
      arrivalMinutes(
        { scheduledStart: start, arrivalWindowStart: '2026-12-09T14:00:00Z', arrivalWindowEnd: start },
        'payload.appointment',
      ),
    ).toThrow(
      expect.objectContaining({ details: { field: 'payload.appointment.arrivalWindowStart' } }) as Error,
    );
  });

  it("computes the lines' subtotal in cents and refuses a vendor subtotal that differs", () => {
    const input = {
      currency: 'USD',
      lineItems: [
        { quantity: 2, unitPrice: 45.25 },
        { quantity: 1.5, unitPrice: 120 },
      ],
    };
    expect(expectedTotals(input).subtotal).toBe(27_050);
    expect(() => assertSubtotal('invoice 1', input, 27_050)).not.toThrow();
    expect(() => assertSubtotal('invoice 1', input, 27_051)).toThrow(
      expect.objectContaining({ code: 'vendor_rejected', details: { field: 'payload.lineItems' } }) as Error,
    );
  });
});
