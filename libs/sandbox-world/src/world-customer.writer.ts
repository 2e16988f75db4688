import { tagsField } from './world-customer-tags.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { assertRequired, type WorldRules } from './world.rules';
import type { Contact, Customer, WorldAddress } from './world.schema';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

export interface NewCustomerInput {
  readonly name: string;
  readonly type: Customer['type'];
  readonly address: WorldAddress;
  readonly doNotMail?: boolean;
  readonly doNotService?: boolean;
  /** The customer's tags (see customerSchema.tags). */
  readonly tags?: readonly string[];
  readonly locations: readonly { name?: string; address: WorldAddress; taxZoneId: number }[];
  readonly contacts?: readonly {
    type: Contact['type'];
    value: string;
    memo?: string | null;
    doNotText?: boolean;
  }[];
}

/** Customers, their locations and contacts: the people and places commands. */
export class WorldCustomerWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  createCustomer(input: NewCustomerInput): {
    customer: StoredRecord<'customer'>;
    locations: StoredRecord<'location'>[];
    contacts: StoredRecord<'contact'>[];
  } {
    assertRequired('customer', input, ['name', 'type', 'address', 'locations']);
    for (const location of input.locations) {
      assertRequired('location', location, ['address', 'taxZoneId']);
      this.rules.assertUsable('taxZone', location.taxZoneId);
    }
    for (const contact of input.contacts ?? []) assertRequired('contact', contact, ['type', 'value']);
    const customer = this.store.create('customer', {
      name: input.name,
      type: input.type,
      address: input.address,
      balance: 0,
      doNotMail: input.doNotMail ?? false,
      doNotService: input.doNotService ?? false,
      mergedToId: null,
      ...tagsField(input.tags),
    });
    const locations = input.locations.map((l) =>
      this.store.create('location', {
        customerId: customer.id,
        name: l.name ?? input.name,
        address: l.address,
        taxZoneId: l.taxZoneId,
        mergedToId: null,
      }),
    );
    const contacts = (input.contacts ?? []).map((c) => this.addContact(customer.id, c));
    return { customer, locations, contacts };
  }

  updateCustomer(
    id: number,
    patch: Partial<Pick<Customer, 'name' | 'type' | 'address' | 'doNotMail' | 'doNotService' | 'tags'>>,
  ): StoredRecord<'customer'> {
    this.rules.assertUsable('customer', id, { allowInactive: true });
    if (patch.name !== undefined) assertRequired('customer', patch, ['name']);
    const { tags, ...rest } = patch;
    // `tags: []` clears them: the field goes away rather than holding an empty list.
    return this.store.update('customer', id, 'tags' in patch ? { ...rest, ...tagsField(tags, true) } : rest);
  }

  addContact(
    customerId: number,
    input: { type: Contact['type']; value: string; memo?: string | null; doNotText?: boolean },
  ): StoredRecord<'contact'> {
    this.rules.assertUsable('customer', customerId, { allowInactive: true });
    assertRequired('contact', input, ['type', 'value']);
    return this.store.create('contact', {
      customerId,
      type: input.type,
      value: input.value,
      memo: input.memo ?? null,
      doNotText: input.doNotText ?? false,
    });
  }

  updateContact(
    id: number,
    patch: Partial<Pick<Contact, 'value' | 'memo' | 'doNotText'>>,
  ): StoredRecord<'contact'> {
    this.rules.assertUsable('contact', id);
    if (patch.value !== undefined) assertRequired('contact', patch, ['value']);
    return this.store.update('contact', id, patch);
  }

  /** Merges customer `fromId` into `intoId` (children and balance move; `fromId` becomes inactive). */
  mergeCustomers(fromId: number, intoId: number): StoredRecord<'customer'> {
    this.rules.assertUsable('customer', fromId, { allowInactive: true });
    this.rules.assertUsable('customer', intoId);
    if (fromId === intoId) {
      throw new WorldRuleError(WorldRuleCode.InvalidMerge, 'a customer cannot merge into itself', {
        fromId,
        intoId,
      });
    }
    return this.store.merge('customer', fromId, intoId) as StoredRecord<'customer'>;
  }
}
