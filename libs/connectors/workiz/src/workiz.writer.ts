import type { ConnectorWriteSide } from '@fieldsync/connector-kit';

/*
 * The Workiz write side: one write per command in `writes/<command>.write.ts`, declared with
 * `defineWrite(command, { carries, find?, execute, bookings? })`. A command without a write here is
 * answered `unsupported` for Workiz.
 */
export const workizWriteSide: ConnectorWriteSide = {
  vendor: 'workiz',
  writes: {},
};
