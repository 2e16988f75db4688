import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { ServiceTitanAccountingRenderer } from './servicetitan-accounting.renderer';
import { ServiceTitanCrmRenderer } from './servicetitan-crm.renderer';
import { ServiceTitanDispatchRenderer } from './servicetitan-dispatch.renderer';
import { ServiceTitanEquipmentSystemsRenderer } from './servicetitan-equipment-systems.renderer';
import { ServiceTitanJpmRenderer } from './servicetitan-jpm.renderer';
import { ServiceTitanMembershipsRenderer } from './servicetitan-memberships.renderer';
import { ServiceTitanPricebookRenderer } from './servicetitan-pricebook.renderer';
import { ServiceTitanSalesRenderer } from './servicetitan-sales.renderer';
import { ServiceTitanSettingsRenderer } from './servicetitan-settings.renderer';
import type { WireRow } from './servicetitan-wire.types';

export { iso } from './servicetitan-datetime.util';
export type { WireRow } from './servicetitan-wire.types';

/**
 * The world rendered as ServiceTitan's v2 wire shapes (field names, enums and nullability of the
 * published OpenAPI files), one renderer per API module. A row depends only on its own record and on
 * records whose rendered fields never change (business units, job types, tax zones, payment types,
 * technicians' names), so a row's content changes exactly when its modifiedOn does — what list paging
 * by modifiedOn relies on. Money: decimal numbers (dollars) where the spec says `number`, decimal
 * strings on invoices and payments. Times: RFC 3339 UTC with milliseconds.
 */
export class ServiceTitanRenderer {
  readonly crm: ServiceTitanCrmRenderer;
  readonly jpm: ServiceTitanJpmRenderer;
  readonly dispatch: ServiceTitanDispatchRenderer;
  readonly settings = new ServiceTitanSettingsRenderer();
  readonly sales: ServiceTitanSalesRenderer;
  readonly accounting: ServiceTitanAccountingRenderer;
  readonly pricebook = new ServiceTitanPricebookRenderer();
  readonly memberships = new ServiceTitanMembershipsRenderer();
  readonly equipmentSystems = new ServiceTitanEquipmentSystemsRenderer();

  constructor(store: WorldStore) {
    this.crm = new ServiceTitanCrmRenderer(store);
    this.jpm = new ServiceTitanJpmRenderer(store);
    this.dispatch = new ServiceTitanDispatchRenderer(store);
    this.sales = new ServiceTitanSalesRenderer(store);
    this.accounting = new ServiceTitanAccountingRenderer(store);
  }

  customer(c: StoredRecord<'customer'>): WireRow {
    return this.crm.customer(c);
  }

  location(l: StoredRecord<'location'>): WireRow {
    return this.crm.location(l);
  }

  /** `GET /customers/contacts` (and the export feed): the contact with its customer. */
  contact(c: StoredRecord<'contact'>): WireRow {
    return this.crm.contact(c);
  }

  /** `GET /customers/{id}/contacts`: the same without `customerId`. */
  customerContact(c: StoredRecord<'contact'>): WireRow {
    return this.crm.customerContact(c);
  }

  job(j: StoredRecord<'job'>): WireRow {
    return this.jpm.job(j);
  }

  appointment(a: StoredRecord<'appointment'>): WireRow {
    return this.jpm.appointment(a);
  }

  assignment(a: StoredRecord<'assignment'>): WireRow {
    return this.dispatch.assignment(a);
  }

  technician(e: StoredRecord<'employee'>): WireRow {
    return this.settings.technician(e);
  }

  employee(e: StoredRecord<'employee'>): WireRow {
    return this.settings.employee(e);
  }

  estimate(e: StoredRecord<'estimate'>): WireRow {
    return this.sales.estimate(e);
  }

  invoice(i: StoredRecord<'invoice'>): WireRow {
    return this.accounting.invoice(i);
  }

  payment(p: StoredRecord<'payment'>): WireRow {
    return this.accounting.payment(p);
  }

  service(s: StoredRecord<'pricebookItem'>): WireRow {
    return this.pricebook.service(s);
  }

  material(m: StoredRecord<'pricebookItem'>): WireRow {
    return this.pricebook.material(m);
  }

  equipment(e: StoredRecord<'pricebookItem'>): WireRow {
    return this.pricebook.equipment(e);
  }

  membership(m: StoredRecord<'membership'>): WireRow {
    return this.memberships.membership(m);
  }

  installedEquipment(e: StoredRecord<'equipment'>): WireRow {
    return this.equipmentSystems.installedEquipment(e);
  }
}
