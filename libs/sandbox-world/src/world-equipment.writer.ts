import { assertRequired, type WorldRules } from './world.rules';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

export interface NewEquipmentInput {
  readonly locationId: number;
  readonly name: string;
  readonly type: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly installedOn: number;
  readonly warrantyEnd?: number | null;
}

/** Equipment installed at a customer's location. */
export class WorldEquipmentWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  addEquipment(input: NewEquipmentInput): StoredRecord<'equipment'> {
    assertRequired('equipment', input, [
      'locationId',
      'name',
      'type',
      'manufacturer',
      'model',
      'serialNumber',
      'installedOn',
    ]);
    const location = this.rules.assertUsable('location', input.locationId);
    return this.store.create('equipment', {
      customerId: location.customerId,
      locationId: location.id,
      name: input.name,
      type: input.type,
      manufacturer: input.manufacturer,
      model: input.model,
      serialNumber: input.serialNumber,
      installedOn: input.installedOn,
      warrantyEnd: input.warrantyEnd ?? null,
    });
  }
}
