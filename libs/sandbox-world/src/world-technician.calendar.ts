import type { BookedSlot } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import type { WorldRng } from './world-rng.util';
import type { GeneratedStaff } from './world-staff.generator';
import { DAY, HOUR, MINUTE } from './world-time.constants';

/** Four 2-hour slots a day from 14:00 UTC (8 am in Austin). */
const SLOTS_PER_DAY = 4;
const FIRST_SLOT_HOUR = 14;

/**
 * The technicians' calendar while the history is generated: technician × day × slot, taken or free,
 * so no generated appointment double-books anyone.
 */
export class TechnicianCalendar {
  /** technician index × day × slot → taken */
  private readonly occupancy: Uint8Array;

  constructor(
    private readonly timeline: GenerationTimeline,
    private readonly staff: GeneratedStaff,
  ) {
    this.occupancy = new Uint8Array(staff.techs.length * timeline.days * SLOTS_PER_DAY);
  }

  /** Finds technicians and consecutive free slots on or after `day`; marks them taken. */
  book(rng: WorldRng, unit: number, slots: number, day: number): BookedSlot | null {
    const { historyStart, days } = this.timeline;
    const techCount = this.staff.techs.length;
    const unitTechs = this.staff.techsByUnit[unit] ?? [];
    for (let d = day; d < Math.min(day + 6, days); d++) {
      const weekday = new Date(historyStart + d * DAY).getUTCDay();
      if (weekday === 0) continue; // closed on Sundays
      for (let attempt = 0; attempt < 8; attempt++) {
        const tech = attempt < 5 && unitTechs.length ? rng.pick(unitTechs) : rng.int(0, techCount - 1);
        const slot = rng.int(0, SLOTS_PER_DAY - slots);
        if (!this.free(tech, d, slot, slots)) continue;
        this.take(tech, d, slot, slots, 1);
        const technicians = [tech];
        if (slots > 1 && rng.chance(0.3)) {
          const helper = rng.int(0, techCount - 1);
          if (helper !== tech && this.free(helper, d, slot, slots)) {
            this.take(helper, d, slot, slots, 1);
            technicians.push(helper);
          }
        }
        const windowStart = historyStart + d * DAY + (FIRST_SLOT_HOUR + slot * 2) * HOUR;
        const offset = rng.int(0, 6) * 5 * MINUTE;
        const length = Math.max(30 * MINUTE, slots * 2 * HOUR - offset - rng.int(0, 6) * 5 * MINUTE);
        return {
          start: windowStart + offset,
          end: windowStart + offset + length,
          windowStart,
          windowEnd: windowStart + 2 * HOUR,
          technicians,
          day: d,
          slot,
          slots,
        };
      }
    }
    return null;
  }

  /** Frees the slots an appointment held; it keeps no technicians. */
  release(a: { start: number; end: number; technicians: number[] }): void {
    const historyStart = this.timeline.historyStart;
    const day = Math.floor((a.start - historyStart) / DAY);
    const first = Math.floor((a.start - historyStart - day * DAY - FIRST_SLOT_HOUR * HOUR) / (2 * HOUR));
    const last = Math.floor((a.end - 1 - historyStart - day * DAY - FIRST_SLOT_HOUR * HOUR) / (2 * HOUR));
    for (const tech of a.technicians) this.take(tech, day, first, last - first + 1, 0);
    a.technicians.length = 0;
  }

  private free(tech: number, day: number, slot: number, slots: number): boolean {
    const base = (tech * this.timeline.days + day) * SLOTS_PER_DAY + slot;
    for (let s = 0; s < slots; s++) if (this.occupancy[base + s]) return false;
    return true;
  }

  private take(tech: number, day: number, slot: number, slots: number, value: number): void {
    const base = (tech * this.timeline.days + day) * SLOTS_PER_DAY + slot;
    for (let s = 0; s < slots; s++) this.occupancy[base + s] = value;
  }
}
