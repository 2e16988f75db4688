import { VendorWriteError } from '@fieldsync/connector-kit';
import { assertCurrency, itemOf, stAddress, windowOf } from './write-values.util';

/* Command values → ServiceTitan request values. */

describe('itemOf', () => {
  const line = { description: 'Annual tune-up', quantity: 1.5, unitPrice: 89 };

  it("keeps a line's name and description, both, in the item's one text", () => {
    expect(itemOf({ ...line, name: 'Tune-up', sku: 'SVC-101' }, 70000001)).toEqual({
      skuId: 70000001,
      skuName: 'SVC-101',
      description: 'Tune-up\nAnnual tune-up',
      quantity: 1.5,
      unitPrice: 89,
    });
    expect(itemOf({ ...line, name: 'Tune-up', description: '' }, undefined)).toEqual({
      description: 'Tune-up',
      quantity: 1.5,
      unitPrice: 89,
    });
    expect(itemOf(line, undefined).description).toBe('Annual tune-up');
  });
});

describe('windowOf', () => {
  it('ends a window after its duration and keeps the arrival window, in UTC', () => {
    expect(
      windowOf({
        scheduledStart: '2026-03-05T09:00:00-06:00',
        durationMinutes: 90,
        arrivalWindowStart: '2026-03-05T08:00:00-06:00',
        arrivalWindowEnd: '2026-03-05T10:00:00-06:00',
      }),
    ).toEqual({
      start: '2026-03-05T15:00:00.000Z',
      end: '2026-03-05T16:30:00.000Z',
      arrivalWindowStart: '2026-03-05T14:00:00.000Z',
      arrivalWindowEnd: '2026-03-05T16:00:00.000Z',
    });
  });
});

describe('stAddress', () => {
  it("writes a canonical address as ServiceTitan's, geocode included", () => {
    expect(
      stAddress({
        line1: '12 Writer Way',
        line2: null,
        city: 'Austin',
        region: 'tx',
        postalCode: '78701',
        country: 'US',
        geo: { lat: 30.27, lon: -97.74 },
      }),
    ).toEqual({
      street: '12 Writer Way',
      unit: null,
      city: 'Austin',
      state: 'TX',
      zip: '78701',
      country: 'USA',
      latitude: 30.27,
      longitude: -97.74,
    });
  });
});

describe('assertCurrency', () => {
  it("accepts the tenant's currency and refuses another, naming the field", () => {
    expect(() => assertCurrency('USD')).not.toThrow();
    const error = (() => {
      try {
        assertCurrency('EUR');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(VendorWriteError);
    expect(error).toMatchObject({ code: 'validation_failed', details: { field: 'payload.currency' } });
  });
});
