import { Module } from '@nestjs/common';
import { DelegationRatings } from './delegation-ratings.js';
import { DelegationsController } from './delegations.controller.js';
import { DelegationsRepository } from './delegations.repository.js';

@Module({
  controllers: [DelegationsController],
  providers: [DelegationsRepository, DelegationRatings],
  exports: [DelegationsRepository, DelegationRatings],
})
export class DelegationsModule {}
