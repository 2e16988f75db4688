import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { locationSchema } from './location.schema';

describe('locationSchema', () => {
  const location = validEntities().location;

  it('accepts a location', () => expectValid(locationSchema, location));

  it('rejects a lower-case or three-letter country', () => {
    expectIssueAt(locationSchema, { ...location, address: { ...location.address, country: 'usa' } }, [
      'address',
      'country',
    ]);
  });

  it('rejects an out-of-range latitude', () => {
    const address = { ...location.address, geo: { lat: 91, lon: 0 } };
    expectIssueAt(locationSchema, { ...location, address }, ['address', 'geo', 'lat']);
  });
});
