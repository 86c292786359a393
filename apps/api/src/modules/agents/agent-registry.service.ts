import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AgentRegistry, CapabilityIndex, loadAgentRegistry, type RegistryLoadResult } from '@orchestrator/core';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { IdentityService } from '../identity/identity.service.js';
import { AgentLoadRepository } from './agent-load.repository.js';
import { AgentsRepository } from './agents.repository.js';

/**
 * Owns the in-memory registry loaded from `agents/` and its mirror in the database. Broken
 * definitions are reported with their path and problem, and never stop the rest from loading.
 */
@Injectable()
export class AgentRegistryService implements OnModuleInit {
  private readonly logger = new Logger('AgentRegistry');
  private registry = new AgentRegistry([]);
  private capabilityIndex = new CapabilityIndex(this.registry);
  private lastLoad: RegistryLoadResult = { agents: [], invalid: [], problems: [] };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: AgentsRepository,
    private readonly identity: IdentityService,
    private readonly loads: AgentLoadRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    await this.loads.resetAll(this.identity.defaultIdentity().workspaceId);
  }

  /** BM25 index over the current registry, rebuilt with it. */
  index(): CapabilityIndex {
    return this.capabilityIndex;
  }

  current(): AgentRegistry {
    return this.registry;
  }

  problems() {
    return this.lastLoad.problems;
  }

  async reload(): Promise<void> {
    const result = await loadAgentRegistry(this.config.agentsDir);
    for (const p of result.problems) this.logger.error(`Invalid agent definition ${p.path}: ${p.message}`);
    this.registry = AgentRegistry.from(result);
    this.capabilityIndex = new CapabilityIndex(this.registry);
    this.lastLoad = result;
    await this.repository.mirror(this.identity.defaultIdentity().workspaceId, this.registry, result);
    this.logger.log(`Loaded ${result.agents.length} agents from ${this.config.agentsDir}${result.invalid.length ? `; ${result.invalid.length} invalid` : ''}`);
  }
}
