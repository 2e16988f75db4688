import type { Equipment, Membership, PricebookItem, Technician } from '@fieldsync/canonical-model';
import type { TomAgreement, TomEmployee, TomEquipment, TomItem } from '../tom.schemas';
import { tomDateOrNull, tomDateToIso } from '../tom-time.util';
import {
  TOM_CURRENCY,
  canonicalBase,
  money,
  requiredRef,
  textOrNull,
  timesOf,
  yes,
  type MappingScope,
} from './mapping.util';

const ITEM_KIND = {
  Service: 'service',
  'Inventory Part': 'material',
  'Serialized Part': 'equipment',
  'Non-inventory Part': 'material',
} as const;

/**
 * A TOM item: service, inventory part (serialized or not) or non-inventory part, with its standard price
 * and its price in each pricing zone it is priced in (its detail page's Zone Prices; none is an empty
 * list). TOM has no member price on an item (agreement pricing lives on the service agreement): null.
 */
export function mapItem(i: TomItem, scope: MappingScope): PricebookItem {
  const f = i.fields;
  return {
    ...canonicalBase('pricebook_item', scope, timesOf(f)),
    kind: ITEM_KIND[f.Type],
    code: textOrNull(f.Item),
    name: f.Description,
    description: null,
    category: f.Type,
    unit: null,
    currency: TOM_CURRENCY,
    price: money(f.Price),
    memberPrice: null,
    zonePrices: i.lines.map((l) => ({ zone: l.Zone, price: money(l.Price) })),
    cost: money(f.Cost),
    durationMinutes: null,
    taxable: yes(f.Taxable),
    active: yes(f.Active),
    inventoryTracked: f.Type === 'Inventory Part' || f.Type === 'Serialized Part',
  };
}

const ROLE: Readonly<Record<string, Technician['role']>> = {
  Technician: 'technician',
  Dispatch: 'dispatcher',
  CSR: 'csr',
  Accounting: 'other',
  Admin: 'admin',
  Owner: 'owner',
};

/** A TOM employee: every one is a Technician record (its TOM role in vendorRole). */
export function mapEmployee(e: TomEmployee, scope: MappingScope): Technician {
  const f = e.fields;
  const [first = null, ...rest] = f.Name.split(' ');
  return {
    ...canonicalBase('technician', scope, timesOf(f)),
    name: f.Name,
    firstName: first,
    lastName: rest.length > 0 ? rest.join(' ') : null,
    email: textOrNull(f.Email),
    phone: textOrNull(f.Phone),
    role: ROLE[f.Role] ?? 'other',
    vendorRole: f.Role,
    active: yes(f.Active),
    businessUnit: null,
    color: null,
  };
}

/** A customer's equipment at one of its jobs: model, serial number, install and warranty dates. */
export function mapEquipment(e: TomEquipment, scope: MappingScope): Equipment {
  const f = e.fields;
  return {
    ...canonicalBase('equipment', scope, timesOf(f)),
    customerId: requiredRef(scope, 'customer', f['Customer ID']),
    locationId: requiredRef(scope, 'location', f['Job ID']),
    name: f.Description,
    type: textOrNull(f.Type),
    manufacturer: textOrNull(f.Manufacturer),
    model: textOrNull(f.Model),
    serialNumber: textOrNull(f['Serial #']),
    installedOn: tomDateOrNull(f.Installed),
    warrantyExpiresOn: tomDateOrNull(f['Warranty Expires']),
    active: true,
    notes: null,
    customFields: {},
  };
}

/** A service agreement: its status (TOM's kept), billing, price and term. */
export function mapAgreement(a: TomAgreement, scope: MappingScope): Membership {
  const f = a.fields;
  return {
    ...canonicalBase('membership', scope, timesOf(f)),
    customerId: requiredRef(scope, 'customer', f['Customer ID']),
    locationId: requiredRef(scope, 'location', f['Job ID']),
    name: f.Agreement,
    status: f.Status.toLowerCase() as Membership['status'],
    vendorStatus: f.Status,
    startDate: tomDateToIso(f.Start),
    endDate: tomDateToIso(f.End),
    nextVisitDate: null,
    autoRenew: null,
    billingFrequency: f.Billing === 'Monthly' ? 'monthly' : 'annual',
    currency: TOM_CURRENCY,
    price: money(f.Price),
    visitsIncluded: null,
    visitsUsed: null,
    canceledAt: null,
  };
}
