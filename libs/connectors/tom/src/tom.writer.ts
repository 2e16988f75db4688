import type { ConnectorWriteSide } from '@fieldsync/connector-kit';

/*
 * The Total Office Manager write side: one write per command in `writes/<command>.write.ts`, declared with
 * `defineWrite(command, { carries, find?, execute, bookings? })` (the payload fields it carries, the
 * search for the command's marker, the change itself, the bookings a dispatch would overlap), with the
 * records it made read back through writes/write-readback.util.ts. None yet: every command is
 * `unsupported` for Total Office Manager until its write is listed here. tom.connector.spec.ts lists the
 * commands the product promises and fails until each has one.
 */
export const tomWriteSide: ConnectorWriteSide = {
  vendor: 'tom',
  writes: {},
};
