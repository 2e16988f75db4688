import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { equipmentSchema } from './equipment.schema';

describe('equipmentSchema', () => {
  const equipment = validEntities().equipment;

  it('accepts equipment', () => expectValid(equipmentSchema, equipment));

  it('rejects a warranty that ends before installation and a timestamp in a date field', () => {
    expectIssueAt(equipmentSchema, { ...equipment, warrantyExpiresOn: '2019-01-01' }, ['warrantyExpiresOn']);
    expectIssueAt(
      equipmentSchema,
      { ...equipment, installedOn: '2020-05-01T00:00:00Z' },
      ['installedOn'],
      /YYYY-MM-DD/,
    );
  });
});
