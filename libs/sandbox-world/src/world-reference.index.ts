import type { WorldEntity } from './world.schema';

/** Reference fields indexed for children look-ups (`payment.invoiceId` reads the splits). */
export const INDEXED_FIELDS = {
  location: ['customerId'],
  contact: ['customerId'],
  job: ['customerId', 'locationId'],
  appointment: ['jobId', 'customerId'],
  assignment: ['appointmentId', 'technicianId', 'jobId'],
  estimate: ['jobId', 'customerId', 'locationId'],
  invoice: ['jobId', 'customerId', 'locationId'],
  payment: ['customerId', 'invoiceId'],
  membership: ['customerId', 'locationId'],
  equipment: ['customerId', 'locationId'],
} as const satisfies Partial<Record<WorldEntity, readonly string[]>>;
export type IndexedEntity = keyof typeof INDEXED_FIELDS;
export type IndexedField<E extends IndexedEntity> = (typeof INDEXED_FIELDS)[E][number];

type Loose = Record<string, unknown>;

/**
 * One entity's reference indexes: for each indexed field, parent id → ids of the records pointing at
 * it. A new vendor's entity with parents adds its fields to INDEXED_FIELDS.
 */
export class WorldReferenceIndex {
  /** field → parent id → child ids */
  private readonly byField = new Map<string, Map<number, Set<number>>>();

  constructor(private readonly entity: WorldEntity) {
    for (const field of (INDEXED_FIELDS as Partial<Record<WorldEntity, readonly string[]>>)[entity] ?? []) {
      this.byField.set(field, new Map());
    }
  }

  /** Ids of the records with `parentId` in `field`, ascending. */
  ids(field: string, parentId: number): number[] {
    const set = this.byField.get(field)?.get(parentId);
    if (!set) return [];
    return Array.from(set).sort((a, b) => a - b);
  }

  /** Moves a record from the parents of `before` (null: a new record) to those of `after`. */
  update(before: Loose | null, after: Loose): void {
    for (const [field, index] of this.byField) {
      const old = before ? this.keys(field, before) : [];
      const now = this.keys(field, after);
      if (old.length === now.length && old.every((k, i) => k === now[i])) continue;
      const id = after['id'] as number;
      for (const key of old) index.get(key)?.delete(id);
      for (const key of now) {
        let set = index.get(key);
        if (!set) index.set(key, (set = new Set()));
        set.add(id);
      }
    }
  }

  private keys(field: string, record: Loose): number[] {
    if (this.entity === 'payment' && field === 'invoiceId') {
      return (record['splits'] as readonly { invoiceId: number }[]).map((s) => s.invoiceId);
    }
    const value = record[field];
    return typeof value === 'number' ? [value] : [];
  }
}
