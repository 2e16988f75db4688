import type { PricebookType, StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { hcpId } from './housecallpro-ids.util';
import type { HcpRow } from './housecallpro.renderer';

/** A material category of the price book: its uuid, its parent's (null at the root), its name. */
export interface HcpMaterialCategory {
  readonly uuid: string;
  readonly parentUuid: string | null;
  readonly name: string;
  /** For sorting (`created_at` / `updated_at`): the earliest / latest of the items it holds. */
  readonly createdOn: number;
  readonly modifiedOn: number;
  /** Its number in the category id space (see categoryNumber). */
  readonly id: number;
}

type MaterialType = Exclude<PricebookType, 'Service'>;
/** The two root categories the account's materials are filed under, by world item type. */
const ROOTS: Readonly<Record<MaterialType, { number: number; name: string }>> = {
  Material: { number: 1, name: 'Materials' },
  Equipment: { number: 2, name: 'Equipment' },
};

/**
 * A category's number: 1 and 2 for the roots; a business unit's sub-category of a root is the unit's
 * world id × 2 (+1 under Equipment), ≥ 20 000 002 since world ids start at 10 000 001, so never a root's.
 */
const categoryNumber = (type: MaterialType, businessUnitId: number | null): number =>
  businessUnitId === null ? ROOTS[type].number : businessUnitId * 2 + (type === 'Equipment' ? 1 : 0);

/**
 * Housecall Pro's price book (`/api/price_book/...`) rendered from the world's price book items. The
 * world's services are the price book's services; its materials and equipment are materials, filed in
 * two root categories ("Materials", "Equipment") and, for an item of a business unit, in the unit's
 * sub-category under its root (so a client walks the tree with `parent_uuid` to find every material).
 * Only live, active items are listed: an item deactivated or deleted in the world is gone from the price
 * book (the vendor has no inactive flag on either row). A category exists while it holds an item (the
 * roots always). Money in integer cents; the rows carry no timestamps (the published schemas have none).
 */
export class HousecallProPricebookRenderer {
  constructor(private readonly store: WorldStore) {}

  private listed(type: PricebookType): StoredRecord<'pricebookItem'>[] {
    const out: StoredRecord<'pricebookItem'>[] = [];
    for (const p of this.store.all('pricebookItem'))
      if (p.deletedOn === null && p.active && p.type === type) out.push(p);
    return out;
  }

  services(): StoredRecord<'pricebookItem'>[] {
    return this.listed('Service');
  }

  /** Every material (world materials and equipment), in world id order. */
  materials(): StoredRecord<'pricebookItem'>[] {
    return [...this.listed('Material'), ...this.listed('Equipment')].sort((a, b) => a.id - b.id);
  }

  /** Every category: the two roots, then each business unit's sub-category that holds an item. */
  categories(): HcpMaterialCategory[] {
    const out = new Map<number, HcpMaterialCategory>();
    for (const type of ['Material', 'Equipment'] as const) {
      const root = ROOTS[type];
      const uuid = hcpId('materialCategory', root.number);
      out.set(root.number, {
        id: root.number,
        uuid,
        parentUuid: null,
        name: root.name,
        createdOn: 0,
        modifiedOn: 0,
      });
    }
    // A category's times (for sorting only): the earliest creation and latest change of what it holds.
    const hold = (number: number, p: StoredRecord<'pricebookItem'>, made: () => HcpMaterialCategory) => {
      const c = out.get(number) ?? made();
      out.set(number, {
        ...c,
        createdOn: c.createdOn === 0 ? p.createdOn : Math.min(c.createdOn, p.createdOn),
        modifiedOn: Math.max(c.modifiedOn, p.modifiedOn),
      });
    };
    for (const p of this.materials()) {
      const type = p.type as MaterialType;
      const root = ROOTS[type];
      hold(root.number, p, () => {
        throw new Error(`no root category for ${type}`);
      });
      if (p.businessUnitId === null) continue;
      const number = categoryNumber(type, p.businessUnitId);
      hold(number, p, () => ({
        id: number,
        uuid: hcpId('materialCategory', number),
        parentUuid: hcpId('materialCategory', root.number),
        name:
          this.store.get('businessUnit', p.businessUnitId ?? 0)?.name ?? `Unit ${String(p.businessUnitId)}`,
        createdOn: 0,
        modifiedOn: 0,
      }));
    }
    return [...out.values()].sort((a, b) => a.id - b.id);
  }

  /** The uuid of the category a material is filed in. */
  categoryUuidOf(p: StoredRecord<'pricebookItem'>): string {
    return hcpId('materialCategory', categoryNumber(p.type as MaterialType, p.businessUnitId));
  }

  category(c: HcpMaterialCategory): HcpRow {
    return { object: 'material_category', uuid: c.uuid, parent_uuid: c.parentUuid, name: c.name };
  }

  /** A price book service (`PricebookService`): its task number is the item's code, duration in minutes. */
  service(p: StoredRecord<'pricebookItem'>): HcpRow {
    const unit = p.businessUnitId === null ? undefined : this.store.get('businessUnit', p.businessUnitId);
    return {
      object: 'service',
      uuid: hcpId('pricebookService', p.id),
      name: p.name,
      description: null,
      task_number: p.code,
      flat_rate_enabled: true,
      service_materials: { object: 'list', data: [] },
      service_labor_rates: { object: 'list', data: [] },
      managed_by: null,
      price: p.price,
      cost: p.cost,
      taxable: p.taxable,
      unit_of_measure: 'each',
      ...(unit ? { category: { id: unit.id, name: unit.name } } : {}),
      online_booking_enabled: false,
      duration: Math.round(p.hours * 60),
      assigned_pros: { object: 'list', data: [] },
      question_1: null,
      question_2: null,
    };
  }

  /** A price book material (`Material`): its part number is the item's code. */
  material(p: StoredRecord<'pricebookItem'>, categories: ReadonlyMap<string, HcpMaterialCategory>): HcpRow {
    const category = this.categoryUuidOf(p);
    return {
      object: 'material',
      uuid: hcpId('material', p.id),
      material_category_uuid: category,
      material_category_name: categories.get(category)?.name ?? '',
      name: p.name,
      description: '',
      cost: p.cost,
      price: p.price,
      unit_of_measure: 'each',
      part_number: p.code,
      flat_rate_enabled: false,
      taxable: p.taxable,
    };
  }
}
