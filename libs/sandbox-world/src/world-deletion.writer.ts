import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import type { WorldRules } from './world.rules';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

/** Records the vendor lets users delete (payments are voided instead, jobs canceled). */
export type DeletableEntity = 'contact' | 'equipment' | 'location' | 'membership' | 'estimate' | 'customer';

/** Soft deletes, with the vendor's refusal to delete a customer or location that still has open work. */
export class WorldDeletionWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  /** Soft-deletes a record the vendor lets users delete (payments are voided with `voidPayment`). */
  softDelete(entity: DeletableEntity, id: number): StoredRecord<typeof entity> {
    this.rules.assertUsable(entity, id, { allowInactive: true });
    if (entity === 'customer' || entity === 'location') {
      const field = entity === 'customer' ? 'customerId' : 'locationId';
      const open = this.store
        .children('job', field, id)
        .find((j) => j.status !== 'Completed' && j.status !== 'Canceled');
      if (open) {
        throw new WorldRuleError(WorldRuleCode.InvalidValue, `${entity} ${id} has open job ${open.id}`, {
          entity,
          id,
          jobId: open.id,
        });
      }
    }
    return this.store.softDelete(entity, id);
  }
}
