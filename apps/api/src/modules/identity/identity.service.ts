import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { IdentityRepository, type Identity } from './identity.repository.js';

/**
 * Resolves who is acting on a request or socket handshake. Embedded mode has one workspace and
 * its owner; token authentication (local tokens, Supabase JWTs) plugs in here without any
 * repository changing, since every query is already scoped by the resolved workspace.
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  private owner?: Identity;

  constructor(private readonly repository: IdentityRepository) {}

  async onModuleInit(): Promise<void> {
    this.owner = await this.repository.findDefaultOwner();
    if (!this.owner) throw new Error('The default workspace and owner are missing: supabase/seed.sql did not run.');
  }

  resolve(_headers: IncomingHttpHeaders): Identity {
    return this.defaultIdentity();
  }

  defaultIdentity(): Identity {
    if (!this.owner) throw new Error('IdentityService used before initialisation');
    return this.owner;
  }
}
