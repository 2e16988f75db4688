import { Module } from '@nestjs/common';
import { MessagesController } from '../delivery/messages.controller';
import { EndpointsController } from './endpoints.controller';
import { EndpointsService } from './endpoints.service';

/** The admin API: endpoints, their messages and attempts (needs DeliveryModule's providers). */
@Module({
  controllers: [EndpointsController, MessagesController],
  providers: [EndpointsService],
})
export class EndpointsModule {}
