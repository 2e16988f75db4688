import { housecallproEmployeeSchema } from '../housecallpro.schemas';
import { SLOW_MS, streamSpec } from './stream.reader';

/** Employees ("pros"): active ones only and no updated_at, so the whole list is read on every pass. */
export const employeesStream = streamSpec({
  stream: 'employees',
  list: { path: '/employees', key: 'employees', mode: 'full' },
  entity: 'technician',
  intervalMs: SLOW_MS,
  row: housecallproEmployeeSchema,
});
