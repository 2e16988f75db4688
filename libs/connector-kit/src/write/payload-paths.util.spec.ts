import { commandPayloadSchemas } from '@fieldsync/canonical-model';
import { payloadPaths } from './payload-paths.util';

describe('payloadPaths', () => {
  it('lists the dotted paths of a command payload, arrays with [] and union options merged', () => {
    const dispatch = payloadPaths(commandPayloadSchemas['job.dispatch']);
    expect(dispatch).toEqual(
      new Set([
        'jobId',
        'appointmentId',
        'technicians',
        'technicians.mode',
        'technicians.technicianIds',
        'technicians.technicianIds[]',
        'window',
        'window.scheduledStart',
        'window.scheduledEnd',
        'window.durationMinutes',
        'window.arrivalWindowStart',
        'window.arrivalWindowEnd',
        'allowOverlap',
        'notifyCustomer',
      ]),
    );
    const invoice = payloadPaths(commandPayloadSchemas['invoice.create']);
    expect(invoice.has('lineItems[].taxCode')).toBe(true);
    expect(invoice.has('discounts[].percent')).toBe(true);
    expect(invoice.has('discounts[].amount')).toBe(true);
    expect(invoice.has('lineItems.taxCode')).toBe(false);
    expect(invoice.has('tipAmount')).toBe(false);
  });
});
