import { VendorWriteError } from '@fieldsync/connector-kit';
import { commandFields, userErrorsToWriteError } from './write-errors.util';

describe('userErrorsToWriteError', () => {
  const dispatchFields = commandFields({
    appointmentId: 'payload.appointmentId',
    'input.assignedUserIds': 'payload.technicians.technicianIds',
    // The crew sent is [existing, added]: index 1 of the input is index 0 of the command.
    'input.assignedUserIds.*': (i) => `payload.technicians.technicianIds[${(i[0] ?? 0) - 1}]`,
    'input.startAt': 'payload.window.scheduledStart',
  });

  it('turns a double booking into schedule_conflict naming the command technician', () => {
    const error = userErrorsToWriteError(
      'appointmentEditAssignment',
      [
        {
          message: 'User is already booked at that time (technician 7 …)',
          path: ['input', 'assignedUserIds', '1'],
        },
      ],
      dispatchFields,
    );
    expect(error).toBeInstanceOf(VendorWriteError);
    expect(error.code).toBe('schedule_conflict');
    expect(error.details.field).toBe('payload.technicians.technicianIds[0]');
    expect(error.details.vendorCode).toBe('input.assignedUserIds.1');
    expect(error.message).toBe(
      'Jobber appointmentEditAssignment refused: User is already booked at that time (technician 7 …)',
    );
  });

  it('uses the conflict field when the vendor reports the booking on the whole input', () => {
    const error = userErrorsToWriteError(
      'jobCreate',
      [{ message: 'User is already booked at that time', path: ['input'] }],
      commandFields({ 'input.propertyId': 'payload.locationId' }),
      { conflictField: 'payload.technicianIds' },
    );
    expect(error.code).toBe('schedule_conflict');
    expect(error.details.field).toBe('payload.technicianIds');
  });

  it('maps unknown ids to not_found and anything else to vendor_rejected, by the longest path prefix', () => {
    const missing = userErrorsToWriteError(
      'appointmentEditSchedule',
      [{ message: 'appointmentId is not a valid Visit id', path: ['appointmentId'] }],
      dispatchFields,
    );
    expect(missing.code).toBe('not_found');
    expect(missing.details.field).toBe('payload.appointmentId');

    const refused = userErrorsToWriteError(
      'appointmentEditSchedule',
      [
        { message: 'Invalid date-time', path: ['input', 'startAt', 'value'] },
        { message: 'End must be after start', path: ['input', 'endAt'] },
      ],
      dispatchFields,
    );
    expect(refused.code).toBe('vendor_rejected');
    expect(refused.details.field).toBe('payload.window.scheduledStart');
    expect(refused.message).toBe(
      'Jobber appointmentEditSchedule refused: Invalid date-time; End must be after start',
    );
  });

  it('leaves the field out when the path names nothing of the command', () => {
    const error = userErrorsToWriteError(
      'jobClose',
      [{ message: 'Job #10012 is already closed', path: ['jobId'] }],
      commandFields({}),
    );
    expect(error.code).toBe('vendor_rejected');
    expect(error.details.field).toBeUndefined();
  });
});
