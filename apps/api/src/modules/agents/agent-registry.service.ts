import { inWorkspace } from '@orchestrator/db';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { RegistryProblem } from '@orchestrator/contracts';
import {
  AgentRegistry,
  CapabilityIndex,
  KeyedLock,
  loadAgentRegistry,
  type RegistryLoadResult,
} from '@orchestrator/core';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { IdentityService } from '../identity/identity.service.js';
import { AgentLoadRepository } from './agent-load.repository.js';
import { AgentsRepository } from './agents.repository.js';

/** What a reload did: `changed` is false when the files were exactly what was already loaded. */
export interface ReloadOutcome {
  changed: boolean;
  problems: RegistryProblem[];
}

/**
 * Owns the in-memory registry loaded from `agents/` and its mirror in the database. Broken
 * definitions are reported with their path and problem, and never stop the rest from loading.
 *
 * The orchestrator reads `current()` and `index()` on every task, so swapping them here is the
 * whole of "hot reload": the next task sees the new files, no restart. Reloads and saves run one
 * at a time (`exclusive`) so a save's files, its database rows and the registry move together.
 */
@Injectable()
export class AgentRegistryService implements OnModuleInit {
  private readonly logger = new Logger('AgentRegistry');
  private readonly lock = new KeyedLock();
  private registry = new AgentRegistry([]);
  private capabilityIndex = new CapabilityIndex(this.registry);
  private lastLoad: RegistryLoadResult = { agents: [], invalid: [], problems: [] };
  private signature = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: AgentsRepository,
    private readonly identity: IdentityService,
    private readonly loads: AgentLoadRepository,
    private readonly publisher: RealtimePublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    const { workspaceId } = this.identity.defaultIdentity();
    await inWorkspace(workspaceId, () => this.loads.resetAll(workspaceId));
  }

  /** BM25 index over the current registry, rebuilt with it. */
  index(): CapabilityIndex {
    return this.capabilityIndex;
  }

  current(): AgentRegistry {
    return this.registry;
  }

  problems(): RegistryProblem[] {
    return this.lastLoad.problems;
  }

  agentsDir(): string {
    return this.config.agentsDir;
  }

  /** Runs `task` with no reload or other save in between (in this process). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.lock.run('registry', task);
  }

  /** Loads `agents/` again; with `onlyIfChanged`, files identical to the loaded ones are a no-op. */
  reload(options: { onlyIfChanged?: boolean } = {}): Promise<ReloadOutcome> {
    return this.exclusive(() => this.reloadNow(options));
  }

  /**
   * The reload itself, for a caller that already holds `exclusive`. agents/ is the default
   * workspace's workforce, whoever asks for the reload.
   */
  reloadNow(options: { onlyIfChanged?: boolean } = {}): Promise<ReloadOutcome> {
    return inWorkspace(this.identity.defaultIdentity().workspaceId, () => this.reloadInDefaultWorkspace(options));
  }

  private async reloadInDefaultWorkspace(options: { onlyIfChanged?: boolean }): Promise<ReloadOutcome> {
    const result = await loadAgentRegistry(this.config.agentsDir);
    const signature = signatureOf(result);
    if (options.onlyIfChanged && signature === this.signature) return { changed: false, problems: result.problems };
    for (const p of result.problems) this.logger.error(`Invalid agent definition ${p.path}: ${p.message}`);
    const workspaceId = this.identity.defaultIdentity().workspaceId;
    const versions = await this.repository.mirror(workspaceId, AgentRegistry.from(result), result);
    // The sync may have added agents or changed their max_concurrent / offline / retired status.
    this.loads.invalidate(workspaceId);
    // The version each agent runs with travels with it into every task it records.
    const loaded: RegistryLoadResult = {
      ...result,
      agents: result.agents.map((a) => ({ ...a, version: versions.get(a.definition.name) })),
    };
    this.registry = AgentRegistry.from(loaded);
    this.capabilityIndex = new CapabilityIndex(this.registry);
    this.lastLoad = loaded;
    this.signature = signature;
    this.logger.log(
      `Loaded ${result.agents.length} agents from ${this.config.agentsDir}${result.invalid.length ? `; ${result.invalid.length} invalid` : ''}`,
    );
    this.publisher.registryReloaded(workspaceId, {
      agents: await this.repository.list(workspaceId),
      problems: result.problems,
    });
    return { changed: true, problems: result.problems };
  }
}

/** Identity of a load: the content hash of every valid agent and the problems of the others. */
function signatureOf(result: RegistryLoadResult): string {
  const valid = result.agents.map((a) => `${a.sourcePath}=${a.contentHash}`).sort();
  const invalid = result.invalid.map((i) => `${i.sourcePath}!${i.problems.map((p) => p.message).join('|')}`).sort();
  return [...valid, ...invalid].join('\n');
}
