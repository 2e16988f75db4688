import type { GenerationTimeline } from './world-generation.timeline';
import type { WorldRng } from './world-rng.util';
import type { GeneratedSettings } from './world-settings.generator';
import { DAY } from './world-time.constants';
import * as W from './world-words.constants';
import type { PricebookItem } from './world.schema';
import type { WorldLoader } from './world.loader';

/** The generated pricebook: every item, and the active ones each business unit sells. */
export interface GeneratedPricebook {
  readonly items: readonly PricebookItem[];
  /** Active items by business unit index (items of no unit are in every list). */
  readonly byUnit: readonly PricebookItem[][];
}

type PricebookRow = (typeof W.PRICEBOOK)[number];

/** Services, materials and equipment with their prices, plus brand variants of materials in bigger worlds. */
export class PricebookGenerator {
  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
    private readonly settings: GeneratedSettings,
    private readonly size: number,
  ) {}

  generate(small: boolean): GeneratedPricebook {
    const rng = this.rng;
    const items: PricebookItem[] = [];
    const byUnit: PricebookItem[][] = Array.from({ length: this.settings.businessUnitIds.length }, () => []);
    const rows = small ? W.PRICEBOOK.filter((_, i) => i % 3 === 0) : W.PRICEBOOK;
    const variants = small ? 0 : Math.min(1500, Math.max(0, Math.floor(this.size / 150) - rows.length));
    const codes = new Map<string, number>();
    const make = (row: PricebookRow, variant: string | null): void => {
      const [type, prefix, name, dollars, hours, taxable, unit] = row;
      const n = (codes.get(prefix) ?? 100) + 1;
      codes.set(prefix, n);
      const factor = variant === null ? 1 : 0.8 + rng.next() * 0.6;
      const price = Math.round(dollars * 100 * factor);
      const founding = this.timeline.founding;
      const now = this.timeline.now;
      const createdOn = founding + rng.int(0, 900) * DAY + rng.int(0, DAY - 1);
      const edited = rng.chance(0.4)
        ? createdOn + rng.int(1, Math.floor((now - createdOn) / DAY)) * DAY
        : createdOn;
      const item = this.loader.add('pricebookItem', {
        ...this.timeline.base(createdOn, edited, !rng.chance(0.04)),
        type,
        code: `${prefix}-${n}`,
        name: variant === null ? name : `${name} (${variant})`,
        price,
        memberPrice: type === 'Service' ? Math.round(price * 0.85) : price,
        cost: Math.round(price * (type === 'Service' ? 0.25 : 0.55)),
        hours,
        taxable,
        businessUnitId: unit < 0 ? null : (this.settings.businessUnitIds[unit] as number),
      });
      items.push(item);
      if (!item.active) return;
      if (unit < 0) byUnit.forEach((list) => list.push(item));
      else byUnit[unit]?.push(item);
    };
    const ordered: [PricebookRow, string | null][] = rows.map((r) => [r, null]);
    const materials = rows.filter((r) => r[0] !== 'Service');
    const brands = ['Generic', 'OEM', 'Pro Series', 'Contractor Pack', 'Premium'];
    for (let i = 0; i < variants && materials.length; i++) {
      ordered.push([rng.pick(materials), `${rng.pick(brands)} ${rng.int(1, 99)}`]);
    }
    for (const [row, variant] of ordered) make(row, variant);
    return { items, byUnit };
  }
}
