import type { StoredRecord } from '@fieldsync/sandbox-world';
import { dollars } from './servicetitan-amount.util';
import { iso } from './servicetitan-datetime.util';
import type { WireRow } from './servicetitan-wire.types';

/** Pricebook services, materials and equipment (ServiceTitan's `pricebook` module). */
export class ServiceTitanPricebookRenderer {
  service(s: StoredRecord<'pricebookItem'>): WireRow {
    return {
      id: s.id,
      code: s.code,
      displayName: s.name,
      description: s.name,
      warranty: null,
      categories: [],
      price: dollars(s.price),
      memberPrice: dollars(s.memberPrice),
      addOnPrice: dollars(s.price),
      addOnMemberPrice: dollars(s.memberPrice),
      taxable: s.taxable,
      account: null,
      hours: s.hours,
      isLabor: true,
      recommendations: [],
      upgrades: [],
      assets: [],
      serviceMaterials: [],
      serviceEquipment: [],
      active: s.active,
      crossSaleGroup: null,
      paysCommission: false,
      modifiedOn: iso(s.modifiedOn),
      source: null,
      externalId: null,
      externalData: [],
    };
  }

  material(m: StoredRecord<'pricebookItem'>): WireRow {
    return {
      id: m.id,
      code: m.code,
      displayName: m.name,
      description: m.name,
      cost: dollars(m.cost),
      active: m.active,
      price: dollars(m.price),
      memberPrice: dollars(m.memberPrice),
      addOnPrice: dollars(m.price),
      addOnMemberPrice: dollars(m.memberPrice),
      hours: m.hours,
      commissionBonus: 0,
      paysCommission: false,
      deductAsJobCost: false,
      unitOfMeasure: null,
      isInventory: false,
      account: null,
      costOfSaleAccount: null,
      assetAccount: null,
      taxable: m.taxable,
      primaryVendor: null,
      otherVendors: [],
      categories: [],
      assets: [],
      modifiedOn: iso(m.modifiedOn),
      source: null,
      externalId: null,
      externalData: [],
    };
  }

  equipment(e: StoredRecord<'pricebookItem'>): WireRow {
    return {
      id: e.id,
      code: e.code,
      displayName: e.name,
      description: e.name,
      active: e.active,
      price: dollars(e.price),
      memberPrice: dollars(e.memberPrice),
      addOnPrice: dollars(e.price),
      addOnMemberPrice: dollars(e.memberPrice),
      manufacturer: null,
      model: null,
      manufacturerWarranty: { duration: 0, description: null },
      serviceProviderWarranty: { duration: 0, description: null },
      categories: [],
      assets: [],
      recommendations: [],
      upgrades: [],
      equipmentMaterials: [],
      primaryVendor: null,
      otherVendors: [],
      account: null,
      costOfSaleAccount: null,
      assetAccount: null,
      crossSaleGroup: null,
      paysCommission: false,
      commissionBonus: 0,
      hours: e.hours,
      taxable: e.taxable,
      cost: dollars(e.cost),
      unitOfMeasure: null,
      isInventory: false,
      modifiedOn: iso(e.modifiedOn),
      source: null,
      externalId: null,
      externalData: [],
    };
  }
}
