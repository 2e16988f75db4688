import { validEntities, fid } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { leadSchema } from './lead.schema';

describe('leadSchema', () => {
  const lead = validEntities().lead;

  it('accepts open and converted leads', () => {
    expectValid(leadSchema, lead);
    expectValid(leadSchema, {
      ...lead,
      status: 'converted',
      convertedJobId: fid('job', '400'),
      convertedAt: '2026-01-12T00:00:00Z',
    });
  });

  it('rejects a converted job on a lead that is not converted', () => {
    expectIssueAt(leadSchema, { ...lead, convertedJobId: fid('job', '400') }, ['status']);
  });
});
