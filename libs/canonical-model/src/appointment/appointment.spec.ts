import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { appointmentSchema } from './appointment.schema';

describe('appointmentSchema', () => {
  const appointment = validEntities().appointment;

  it('accepts an appointment', () => expectValid(appointmentSchema, appointment));

  it('rejects an arrival window that ends before it starts', () => {
    expectIssueAt(appointmentSchema, { ...appointment, arrivalWindowEnd: '2026-02-01T14:00:00Z' }, [
      'arrivalWindowEnd',
    ]);
  });

  it('keeps status and schedule consistent', () => {
    expectIssueAt(appointmentSchema, { ...appointment, scheduledStart: null, scheduledEnd: null }, [
      'scheduledStart',
    ]);
    expectIssueAt(appointmentSchema, { ...appointment, status: 'unscheduled' }, ['scheduledStart']);
    expectValid(appointmentSchema, {
      ...appointment,
      status: 'unscheduled',
      scheduledStart: null,
      scheduledEnd: null,
    });
  });

  it('rejects a non-technician id in technicianIds', () => {
    expectIssueAt(appointmentSchema, { ...appointment, technicianIds: [appointment.jobId] }, [
      'technicianIds',
      0,
    ]);
  });
});
