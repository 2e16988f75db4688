import { Module } from '@nestjs/common';
import { FanoutHandler } from './fanout.handler';
import { FanoutWriter } from './fanout.writer';

/** The FSM_EVENTS consumer that records the ledger (needs DeliveryModule's providers). */
@Module({
  controllers: [FanoutHandler],
  providers: [FanoutWriter],
})
export class FanoutModule {}
