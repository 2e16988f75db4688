import type { StoredRecord } from '@fieldsync/sandbox-world';
import { iso } from './servicetitan-datetime.util';
import type { WireRow } from './servicetitan-wire.types';

/** Technicians and employees (ServiceTitan's `settings` module). */
export class ServiceTitanSettingsRenderer {
  technician(e: StoredRecord<'employee'>): WireRow {
    return {
      id: e.id,
      name: e.name,
      businessUnitId: e.businessUnitId,
      createdOn: iso(e.createdOn),
      modifiedOn: iso(e.modifiedOn),
      email: e.email,
      phoneNumber: e.phoneNumber,
      loginName: e.loginName,
      home: null,
      dailyGoal: 0,
      isManagedTech: false,
      customFields: [],
      active: e.active,
    };
  }

  employee(e: StoredRecord<'employee'>): WireRow {
    return {
      id: e.id,
      name: e.name,
      role: e.role,
      businessUnitId: e.businessUnitId,
      createdOn: iso(e.createdOn),
      modifiedOn: iso(e.modifiedOn),
      email: e.email,
      phoneNumber: e.phoneNumber,
      loginName: e.loginName,
      customFields: [],
      active: e.active,
    };
  }
}
