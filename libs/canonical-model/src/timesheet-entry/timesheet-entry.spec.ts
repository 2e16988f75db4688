import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { timesheetEntrySchema } from './timesheet-entry.schema';

describe('timesheetEntrySchema', () => {
  const entry = validEntities().timesheet_entry;

  it('accepts an entry, also an open one', () => {
    expectValid(timesheetEntrySchema, entry);
    expectValid(timesheetEntrySchema, { ...entry, endedAt: null, durationMinutes: null });
  });

  it('rejects an entry that ends before it starts', () => {
    expectIssueAt(timesheetEntrySchema, { ...entry, endedAt: '2026-02-01T15:00:00Z' }, ['endedAt']);
  });
});
