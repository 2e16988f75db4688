import type { ConnectorWriteSide } from '@fieldsync/connector-kit';
import { paymentRecordWrite } from './writes/payment-record.write';

/*
 * The Housecall Pro write side: one write per command in `writes/<command>.write.ts`, declared with
 * `defineWrite(command, { carries, find?, execute, bookings? })`. So far `payment.record`, through the
 * web app's invoice screen (the v1 API has no payment endpoint); every other command is `unsupported`
 * for Housecall Pro until its write is listed here.
 */
export const housecallproWriteSide: ConnectorWriteSide = {
  vendor: 'housecallpro',
  writes: { 'payment.record': paymentRecordWrite },
};
