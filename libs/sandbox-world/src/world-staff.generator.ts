import type { GenerationTimeline } from './world-generation.timeline';
import { phoneNumber } from './world-phone.util';
import type { WorldRng } from './world-rng.util';
import type { GeneratedSettings } from './world-settings.generator';
import { DAY } from './world-time.constants';
import * as W from './world-words.constants';
import type { Employee } from './world.schema';
import type { WorldLoader } from './world.loader';

/** The generated staff: technicians (by index, and their indexes per business unit) and the office. */
export interface GeneratedStaff {
  readonly techs: readonly Employee[];
  /** Technician indexes by business unit index. */
  readonly techsByUnit: readonly number[][];
  readonly office: readonly Employee[];
}

/** The owner, office staff and technicians, hired over the business's first four years. */
export class StaffGenerator {
  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
    private readonly settings: GeneratedSettings,
  ) {}

  /** About one technician per 550 customers (2 to 300), office roles in proportion. */
  generate(customerCount: number): GeneratedStaff {
    const rng = this.rng;
    const founding = this.timeline.founding;
    const techCount = Math.min(300, Math.max(2, Math.round(customerCount / 550)));
    const roles: [Employee['role'], number][] = [
      ['Owner', 1],
      ['Admin', 1],
      ['Accounting', Math.max(1, Math.round(techCount / 15))],
      ['Dispatch', Math.max(1, Math.round(techCount / 6))],
      ['CSR', Math.max(1, Math.round(techCount / 5))],
      ['Technician', techCount],
    ];
    const units = this.settings.businessUnitIds.length;
    const techs: Employee[] = [];
    const techsByUnit: number[][] = Array.from({ length: units }, () => []);
    const office: Employee[] = [];
    const logins = new Set<string>();
    const hires: { role: Employee['role']; at: number }[] = [];
    for (const [role, n] of roles) {
      for (let i = 0; i < n; i++) {
        hires.push({
          role,
          at: role === 'Owner' ? founding : founding + rng.int(1, 4 * 365) * DAY + rng.int(0, DAY - 1),
        });
      }
    }
    hires.sort((a, b) => a.at - b.at);
    for (const { role, at } of hires) {
      const first = rng.pick(W.FIRST_NAMES);
      const last = rng.pick(W.LAST_NAMES);
      let login = `${first[0] ?? 'x'}${last}`.toLowerCase();
      for (let k = 2; logins.has(login); k++) login = `${first[0] ?? 'x'}${last}${k}`.toLowerCase();
      logins.add(login);
      const unit = role === 'Technician' ? techs.length % units : -1;
      const e = this.loader.add('employee', {
        ...this.timeline.base(at, at + rng.int(0, 30) * DAY),
        name: `${first} ${last}`,
        role,
        businessUnitId: unit < 0 ? null : (this.settings.businessUnitIds[unit] as number),
        email: `${login}@austincomfortpros.example.com`,
        phoneNumber: phoneNumber(rng),
        loginName: login,
      });
      if (role === 'Technician') {
        techsByUnit[unit]?.push(techs.length);
        techs.push(e);
      } else {
        office.push(e);
      }
    }
    return { techs, techsByUnit, office };
  }
}
