import { Module } from '@nestjs/common';
import { DelegationsController } from './delegations.controller.js';
import { DelegationsRepository } from './delegations.repository.js';

@Module({ controllers: [DelegationsController], providers: [DelegationsRepository], exports: [DelegationsRepository] })
export class DelegationsModule {}
