import type { ContactPlan, CustomerPlan, LocationPlan } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import { phoneNumber } from './world-phone.util';
import { byCreated } from './world-plan-order.util';
import type { WorldRng } from './world-rng.util';
import type { GeneratedSettings } from './world-settings.generator';
import { DAY, HOUR } from './world-time.constants';
import * as W from './world-words.constants';
import type { Customer, WorldAddress } from './world.schema';
import type { WorldLoader } from './world.loader';

/** One planned customer and what its other families need to know about it. */
export interface PlannedCustomer {
  readonly customer: CustomerPlan;
  /** Its locations; the first is its home or head office. */
  readonly sites: LocationPlan[];
  readonly commercial: boolean;
  /** Came in with the migration import (no first job of its own). */
  readonly imported: boolean;
}

/**
 * People and places: customers (residential and commercial, some from the migration import, a few
 * duplicates later merged), their locations and contacts. Street addresses are unique per city.
 */
export class CustomerGenerator {
  private readonly customers: CustomerPlan[] = [];
  private readonly locations: LocationPlan[] = [];
  private readonly contacts: ContactPlan[] = [];
  private readonly streetNumbers = new Set<string>();

  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
    private readonly settings: GeneratedSettings,
  ) {}

  /**
   * Plans the `c`-th customer with its locations and contacts; null when it is a duplicate of an
   * earlier one (entered by a CSR and merged into the original later: no children of its own).
   */
  plan(c: number): PlannedCustomer | null {
    const { rng, timeline } = this;
    const { now, historyStart } = timeline;
    const customers = this.customers;
    const commercial = rng.chance(0.15);
    const imported = rng.chance(0.12);
    const createdOn = imported
      ? timeline.importAt
      : historyStart - 40 * DAY + Math.floor(rng.next() * (now - HOUR - historyStart + 40 * DAY));
    const personal = commercial ? null : { first: rng.pick(W.FIRST_NAMES), last: rng.pick(W.LAST_NAMES) };
    const name = personal
      ? `${personal.first} ${personal.last}`
      : `${rng.pick(W.COMPANY_WORDS)} ${rng.pick(W.COMPANY_KINDS)} ${rng.pick(W.COMPANY_SUFFIXES)}`.trim();
    const home = this.address(commercial);
    const customer: CustomerPlan = {
      rec: null,
      createdOn,
      type: commercial ? 'Commercial' : 'Residential',
      name,
      address: home.address,
      personal,
      modifiedOn: createdOn,
      balance: 0,
      active: true,
      doNotService: rng.chance(0.01),
      duplicateOf: null,
    };
    customers.push(customer);
    if (rng.chance(0.06)) customer.modifiedOn = timeline.later(rng, createdOn); // an edited profile

    if (c > 10 && rng.chance(0.006)) {
      const original = customers[rng.int(0, customers.length - 2)] as CustomerPlan;
      if (original.duplicateOf === null && original.createdOn < now - 2 * DAY) {
        const dupAt = timeline.later(rng, original.createdOn);
        customers.pop();
        customers.push({
          ...customer,
          createdOn: dupAt,
          modifiedOn: timeline.later(rng, dupAt),
          active: false,
          duplicateOf: original,
          name: original.name,
          address: original.address,
        });
        return null;
      }
    }

    const siteCount = commercial ? rng.int(1, 4) : rng.chance(0.05) ? 2 : 1;
    const sites: LocationPlan[] = [];
    for (let s = 0; s < siteCount; s++) {
      const at = s === 0 ? createdOn : timeline.later(rng, createdOn);
      const a = s === 0 ? home : this.address(commercial);
      sites.push({
        rec: null,
        customer,
        createdOn: at,
        name: commercial ? `${name} - ${a.address.street}` : name,
        address: a.address,
        taxZone: commercial && rng.chance(0.05) ? W.TAX_ZONES.length - 1 : a.taxZone,
      });
    }
    this.locations.push(...sites);
    this.planContacts(customer, createdOn, commercial);
    return { customer, sites, commercial, imported };
  }

  /** Inserts customers, locations and contacts, each in createdOn order; merged duplicates point at their original. */
  insert(): void {
    const base = this.timeline.base.bind(this.timeline);
    for (const c of byCreated(this.customers)) {
      c.rec = this.loader.add('customer', {
        ...base(c.createdOn, Math.max(c.modifiedOn, c.createdOn), c.active),
        name: c.name,
        type: c.type,
        address: c.address,
        balance: c.balance,
        doNotMail: c.type === 'Residential' && c.address.zip.endsWith('7'),
        doNotService: c.doNotService,
        mergedToId: null,
      });
    }
    for (const c of this.customers) if (c.duplicateOf?.rec && c.rec) c.rec.mergedToId = c.duplicateOf.rec.id;
    for (const l of byCreated(this.locations)) {
      l.rec = this.loader.add('location', {
        ...base(l.createdOn),
        customerId: (l.customer.rec as Customer).id,
        name: l.name,
        address: l.address,
        taxZoneId: this.settings.taxZoneIds[l.taxZone] as number,
        mergedToId: null,
      });
    }
    for (const c of byCreated(this.contacts))
      this.loader.add('contact', { ...c.fields, customerId: (c.customer.rec as Customer).id } as never);
  }

  private planContacts(customer: CustomerPlan, createdOn: number, commercial: boolean): void {
    const { rng, timeline } = this;
    const { personal, name } = customer;
    const slug = personal
      ? `${personal.first}.${personal.last}`.toLowerCase()
      : name.toLowerCase().replace(/[^a-z]+/g, '');
    const contactRows: [string, string, boolean][] = [['Phone', phoneNumber(rng), false]];
    if (rng.chance(commercial ? 0.95 : 0.7)) {
      contactRows.push([
        'Email',
        `${commercial ? 'ap' : slug}${commercial ? '' : rng.int(1, 99)}@${commercial ? `${slug.slice(0, 18)}.example.com` : rng.pick(['example.com', 'example.net', 'example.org'])}`,
        false,
      ]);
    }
    if (rng.chance(0.45)) contactRows.push(['MobilePhone', phoneNumber(rng), rng.chance(0.12)]);
    for (const [type, value, doNotText] of contactRows) {
      const deleted = rng.chance(0.02) ? timeline.later(rng, createdOn) : null;
      this.contacts.push({
        customer,
        createdOn,
        fields: {
          ...timeline.base(createdOn, deleted ?? createdOn, deleted === null, deleted),
          type,
          value,
          memo: type === 'Email' && commercial ? 'Accounts payable' : null,
          doNotText,
        },
      });
    }
  }

  private address(commercial: boolean): { address: WorldAddress; taxZone: number } {
    const rng = this.rng;
    const [city, state, zipPrefix, taxZone] = rng.pick(W.CITIES);
    let street = '';
    for (let k = 0; k < 5; k++) {
      street = `${rng.int(100, 19999)} ${rng.pick(W.STREET_NAMES)} ${rng.pick(W.STREET_KINDS)}`;
      if (!this.streetNumbers.has(`${street}|${city}`)) break;
    }
    this.streetNumbers.add(`${street}|${city}`);
    return {
      address: {
        street,
        unit: commercial
          ? rng.chance(0.4)
            ? `Suite ${rng.int(100, 450)}`
            : null
          : rng.chance(0.08)
            ? `Apt ${rng.int(1, 30)}${rng.pick(['A', 'B', 'C'])}`
            : null,
        city,
        state,
        zip: `${zipPrefix}${String(rng.int(1, 99)).padStart(2, '0')}`,
        country: 'USA',
        latitude: Math.round((30.27 + (rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
        longitude: Math.round((-97.74 + (rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
      },
      taxZone,
    };
  }
}
