import { validEntities } from '../__fixtures__/entities.fixture';
import seedClient from '../__fixtures__/seed-jobber-client.json';
import { customerSchema } from '../customer/customer.schema';
import { ENTITY_TYPES } from '../ids/entity-type.schema';
import { ID_PREFIXES } from '../ids/id-prefix.constants';
import { locationSchema } from '../location/location.schema';
import { entityRegistry, entitySchemas, safeParseEntity } from './entity-registry.schema';

describe('entity registry', () => {
  it('has a schema and the id prefix for every entity type', () => {
    expect(Object.keys(entitySchemas).sort()).toEqual([...ENTITY_TYPES].sort());
    for (const type of ENTITY_TYPES) {
      expect(entityRegistry[type].idPrefix).toBe(ID_PREFIXES[type]);
      expect(entityRegistry[type].schema).toBe(entitySchemas[type]);
    }
  });

  it('every fixture parses with its schema and carries the base fields', () => {
    for (const [type, entity] of Object.entries(validEntities())) {
      const result = safeParseEntity(type as keyof typeof entitySchemas, entity);
      expect(result.success).toBe(true);
      expect(entity.id.startsWith(`${ID_PREFIXES[type as keyof typeof ID_PREFIXES]}_`)).toBe(true);
      for (const field of [
        'id',
        'vendor',
        'externalId',
        'connectionId',
        'createdAt',
        'updatedAt',
        'deletedAt',
      ]) {
        expect(entity).toHaveProperty(field);
      }
    }
  });

  it('every entity rejects a missing base field by name', () => {
    for (const [type, entity] of Object.entries(validEntities())) {
      const { externalId: _externalId, ...rest } = entity;
      const result = safeParseEntity(type as keyof typeof entitySchemas, rest);
      expect(result.error?.issues.some((issue) => issue.path[0] === 'externalId')).toBe(true);
    }
  });

  it('parses the Jobber seed client and its property as canonical customer and location', () => {
    const customer = customerSchema.parse(seedClient.customer);
    const location = locationSchema.parse(seedClient.location);
    expect(customer.defaultLocationId).toBe(location.id);
    expect(location.customerId).toBe(customer.id);
    expect(customer.phones[0]?.e164).toBe('+14045550198');
  });
});
