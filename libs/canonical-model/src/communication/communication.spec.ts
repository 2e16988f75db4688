import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { communicationSchema } from './communication.schema';

describe('communicationSchema', () => {
  const communication = validEntities().communication;

  it('accepts a missed call', () => expectValid(communicationSchema, communication));

  it('rejects an unknown channel and a negative duration', () => {
    expectIssueAt(communicationSchema, { ...communication, channel: 'fax' }, ['channel']);
    expectIssueAt(communicationSchema, { ...communication, durationSeconds: -1 }, ['durationSeconds']);
  });
});
