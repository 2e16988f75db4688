import { VendorWriteError } from '@fieldsync/connector-kit';
import { commandFieldOf, problemToWriteError } from './write-errors.util';

const problem = (
  status: number,
  errors: Record<string, string[]>,
  data: Record<string, unknown> = {},
  title?: string,
) =>
  JSON.stringify({
    type: 'about:blank',
    title: title ?? 'One or more validation errors occurred.',
    status,
    traceId: 't',
    errors,
    data,
  });

const JOB_FIELDS = {
  'appointments.technicianIds': 'payload.technicianIds',
  appointments: 'payload.appointment',
};

describe('problemToWriteError', () => {
  it('maps a double booking to schedule_conflict on the command field', () => {
    const error = problemToWriteError(
      'ServiceTitan POST /jpm/v2/tenant/1/jobs',
      400,
      problem(
        400,
        { 'appointments.technicianIds': ['technician 7 is already booked'] },
        { code: 'technician_double_booked' },
      ),
      JOB_FIELDS,
    );
    expect(error).toBeInstanceOf(VendorWriteError);
    expect(error.code).toBe('schedule_conflict');
    expect(error.details.field).toBe('payload.technicianIds');
    expect(error.details.vendorCode).toBe('technician_double_booked');
    expect(error.message).toContain('technician 7 is already booked');
  });

  it('maps indexed vendor fields and other refusals to vendor_rejected', () => {
    const error = problemToWriteError(
      'call',
      400,
      problem(400, { 'appointments[0].start': ['must be before end'] }),
      JOB_FIELDS,
    );
    expect(error.code).toBe('vendor_rejected');
    expect(error.details.field).toBe('payload.appointment');
    expect(error.details.vendorCode).toBe('One or more validation errors occurred.');
  });

  it('maps 404 to not_found and keeps a 409 that is not a booking a rejection', () => {
    expect(problemToWriteError('call', 404, problem(404, {}, {}, 'job not found'), {}).code).toBe(
      'not_found',
    );
    const conflict = problemToWriteError(
      'call',
      409,
      problem(409, { status: ['illegal'] }, { code: 'illegal_transition' }, 'Conflict'),
      {
        status: 'payload.status',
      },
    );
    expect(conflict.code).toBe('vendor_rejected');
    expect(conflict.details).toEqual({ field: 'payload.status', vendorCode: 'illegal_transition' });
  });

  it('copes with a body that is not JSON, without a field', () => {
    const error = problemToWriteError('call', 400, '<html>bad</html>', {});
    expect(error.code).toBe('vendor_rejected');
    expect(error.details.field).toBeUndefined();
  });
});

describe('commandFieldOf', () => {
  it('takes the longest mapped prefix, case-insensitively', () => {
    expect(commandFieldOf('Appointments[0].TechnicianIds[1]', JOB_FIELDS)).toBe('payload.technicianIds');
    expect(commandFieldOf('appointments[0].end', JOB_FIELDS)).toBe('payload.appointment');
    expect(commandFieldOf('campaignId', JOB_FIELDS)).toBeUndefined();
  });
});
