import type { ActivityEvent } from './world-activity.types';
import { attempt } from './world-rule.error';
import type { WorldStore } from './world.store';

/** Entities `burst` and `betweenPages` can edit in bulk, and how. */
export const BULK_EDITABLE = [
  'customer',
  'location',
  'contact',
  'job',
  'appointment',
  'pricebookItem',
  'employee',
  'equipment',
] as const;
export type BulkEditable = (typeof BULK_EDITABLE)[number];

/**
 * An office user's mass update or an import: one small edit per record, written straight to the store
 * (no vendor rule applies), so many records can share one modifiedOn.
 */
export class BulkEditActivity {
  constructor(private readonly store: WorldStore) {}

  edit(entity: BulkEditable, id: number): ActivityEvent {
    const at = this.store.clock.now();
    const result = attempt(() => {
      const s = this.store;
      switch (entity) {
        case 'customer':
          return s.update('customer', id, { doNotMail: !s.require('customer', id).doNotMail });
        case 'location':
          return s.update('location', id, { name: s.require('location', id).name });
        case 'contact':
          return s.update('contact', id, { memo: `Verified ${new Date(at).toISOString().slice(0, 10)}` });
        case 'job':
          return s.update('job', id, { summary: s.require('job', id).summary });
        case 'appointment':
          return s.update('appointment', id, { specialInstructions: 'Gate code on file' });
        case 'pricebookItem': {
          const p = s.require('pricebookItem', id);
          return s.update('pricebookItem', id, {
            price: Math.round(p.price * 1.03),
            memberPrice: Math.round(p.memberPrice * 1.03),
          });
        }
        case 'employee':
          return s.update('employee', id, { phoneNumber: s.require('employee', id).phoneNumber });
        case 'equipment':
          return s.update('equipment', id, { name: s.require('equipment', id).name });
      }
    });
    return result.ok
      ? { kind: 'bulkEdit', at, ok: true, entity, id }
      : { kind: 'bulkEdit', at, ok: false, entity, id, refused: result.error.code };
  }
}
