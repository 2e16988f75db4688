import type { HcpWorkStatus } from './housecallpro.renderer';

/**
 * The `work_status` filter of `GET /jobs` takes other words than the responses carry (vendors.md §3):
 * `unscheduled | scheduled | in_progress | completed | canceled`, each standing for response values.
 */
export const WORK_STATUS_FILTER: Readonly<Record<string, readonly HcpWorkStatus[]>> = {
  unscheduled: ['needs scheduling'],
  scheduled: ['scheduled'],
  in_progress: ['in progress'],
  completed: ['complete rated', 'complete unrated'],
  canceled: ['user canceled', 'pro canceled'],
};
