import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { technicianSchema } from './technician.schema';

describe('technicianSchema', () => {
  const technician = validEntities().technician;

  it('accepts a technician', () => expectValid(technicianSchema, technician));

  it('rejects an empty name and an unknown role', () => {
    expectIssueAt(technicianSchema, { ...technician, name: '  ' }, ['name']);
    expectIssueAt(technicianSchema, { ...technician, role: 'wizard' }, ['role']);
  });
});
