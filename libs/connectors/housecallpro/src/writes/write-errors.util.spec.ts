import { VendorWriteError } from '@fieldsync/connector-kit';
import { HousecallProWriteRefusal } from '../housecallpro.client';
import { refusalsMapped, toWriteError, vendorMessage } from './write-errors.util';

describe('Housecall Pro write refusals → results', () => {
  const fields = {
    addresses: 'payload.billingAddress',
    'addresses[0].zip': 'payload.billingAddress.postalCode',
    customer_id: 'payload.customerId',
  };

  it("reads the vendor's message from { error: { message } }, { message } or plain text", () => {
    expect(vendorMessage('{"error":{"message":"zip must be 5 digits"}}')).toBe('zip must be 5 digits');
    expect(vendorMessage('{"message":"Unprocessable"}')).toBe('Unprocessable');
    expect(vendorMessage('Bad gateway text')).toBe('Bad gateway text');
    expect(vendorMessage('')).toBe('no reason given');
  });

  it('maps the status to the code and names the longest vendor field the message names', () => {
    const bad = toWriteError(
      'POST /customers',
      400,
      '{"error":{"message":"addresses[0].zip must be 5 digits"}}',
      fields,
    );
    expect([bad.code, bad.details.field, bad.details.vendorCode]).toEqual([
      'validation_failed',
      'payload.billingAddress.postalCode',
      'HTTP 400',
    ]);
    expect(bad.message).toBe(
      'Housecall Pro POST /customers refused (HTTP 400): addresses[0].zip must be 5 digits',
    );
    const missing = toWriteError(
      'POST /jobs',
      404,
      '{"error":{"message":"customer_id: no customer cus_1"}}',
      fields,
    );
    expect([missing.code, missing.details.field]).toEqual(['not_found', 'payload.customerId']);
    const rule = toWriteError(
      'POST /jobs',
      422,
      '{"error":{"message":"customer 4 is marked do-not-service"}}',
      fields,
    );
    expect([rule.code, rule.details.field]).toEqual(['vendor_rejected', undefined]);
    const clash = toWriteError(
      'PUT /jobs/x/dispatch',
      422,
      '{"error":{"message":"technician 3 booked twice (double-book)"}}',
    );
    expect(clash.code).toBe('schedule_conflict');
  });

  it('turns a refusal thrown by the client into the VendorWriteError, and lets anything else through', async () => {
    await expect(
      refusalsMapped(fields, () =>
        Promise.reject(
          new HousecallProWriteRefusal('POST /jobs', 404, '{"error":{"message":"customer_id: no customer"}}'),
        ),
      ),
    ).rejects.toEqual(expect.any(VendorWriteError));
    const other = new Error('network');
    await expect(refusalsMapped(fields, () => Promise.reject(other))).rejects.toBe(other);
    await expect(refusalsMapped(fields, () => Promise.resolve(7))).resolves.toBe(7);
  });
});
