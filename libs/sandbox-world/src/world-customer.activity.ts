import type { ActivitySampler } from './world-activity.sampler';
import type { ActivityHandlers } from './world-activity.types';
import * as W from './world-words.constants';
import type { WorldStore } from './world.store';
import type { WorldWriter } from './world.writer';

type CustomerKind = 'createCustomer' | 'updateCustomer' | 'updateContact' | 'softDelete' | 'mergeCustomers';

/** The office's customer records: new customers, edits, contact changes, deletions and merges. */
export class CustomerActivity {
  readonly handlers: ActivityHandlers<CustomerKind> = {
    createCustomer: () => this.createCustomer(),
    updateCustomer: () => this.updateCustomer(),
    updateContact: () => this.updateContact(),
    softDelete: () => this.softDelete(),
    mergeCustomers: () => this.mergeCustomers(),
  };

  constructor(
    private readonly writer: WorldWriter,
    private readonly store: WorldStore,
    private readonly sample: ActivitySampler,
  ) {}

  private createCustomer(): ['customer', number] | null {
    const rng = this.sample.rng;
    const commercial = rng.chance(0.15);
    const name = commercial
      ? `${rng.pick(W.COMPANY_WORDS)} ${rng.pick(W.COMPANY_KINDS)}`
      : `${rng.pick(W.FIRST_NAMES)} ${rng.pick(W.LAST_NAMES)}`;
    const address = this.sample.address();
    const taxZone = this.sample.pick('taxZone', (t) => t.active);
    if (!taxZone) return null;
    const { customer } = this.writer.createCustomer({
      name,
      type: commercial ? 'Commercial' : 'Residential',
      address,
      locations: [{ address, taxZoneId: taxZone.id }],
      contacts: [{ type: 'Phone', value: `(512) 555-${rng.digits(4)}` }],
    });
    return ['customer', customer.id];
  }

  private updateCustomer(): ['customer', number] | null {
    const rng = this.sample.rng;
    const c = this.sample.pick('customer', (x) => x.mergedToId === null && x.deletedOn === null);
    if (!c) return null;
    const roll = rng.next();
    const patch =
      roll < 0.4
        ? { address: this.sample.address() }
        : roll < 0.7
          ? { doNotMail: !c.doNotMail }
          : { name: `${c.name.split(' (')[0] ?? c.name} (${rng.pick(W.LAST_NAMES)})` };
    this.writer.updateCustomer(c.id, patch);
    return ['customer', c.id];
  }

  private updateContact(): ['contact', number] | null {
    const c = this.sample.pick(
      'contact',
      (x) =>
        x.deletedOn === null && x.active && this.store.get('customer', x.customerId)?.mergedToId === null,
    );
    if (!c) return null;
    this.writer.updateContact(
      c.id,
      c.type === 'Email'
        ? { value: `updated${this.sample.rng.int(1, 999)}@example.com` }
        : { doNotText: !c.doNotText },
    );
    return ['contact', c.id];
  }

  private softDelete(): ['contact' | 'equipment', number] | null {
    const entity = this.sample.rng.pick(['contact', 'equipment'] as const);
    const r = this.sample.pick(entity, (x) => x.deletedOn === null);
    if (!r) return null;
    this.writer.softDelete(entity, r.id);
    return [entity, r.id];
  }

  private mergeCustomers(): ['customer', number] | null {
    const a = this.sample.pick('customer', (x) => x.mergedToId === null && x.deletedOn === null && x.active);
    const b = this.sample.pick(
      'customer',
      (x) => x.mergedToId === null && x.deletedOn === null && x.active && x.id !== a?.id,
    );
    if (!a || !b) return null;
    const [into, from] = a.id < b.id ? [a, b] : [b, a];
    this.writer.mergeCustomers(from.id, into.id);
    return ['customer', from.id];
  }
}
