import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import {
  AgentDefinitionSchema,
  type AgentDefinition,
  type AgentDetail,
  type AgentDiff,
  type AgentDraft,
  type AgentVersion,
  type AgentVersionConflict,
  type AgentVersionPage,
  type RestoreAgentVersionBody,
  type SaveAgentContextBody,
  type SaveAgentDefinitionBody,
} from '@orchestrator/contracts';
import { agentContentHash, agentDiff, checkAgentChange, decodeUtf8Strict, parseAgentYaml, serializeAgentYaml } from '@orchestrator/core';
import { withTransaction, type Pool, type PoolClient } from '@orchestrator/db';
import { AppError } from '../../common/app-error.js';
import { PG_POOL } from '../../database/tokens.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { writeAgentFiles, type RestoreFiles } from './agent-files.js';
import { AgentLoadRepository } from './agent-load.repository.js';
import { AgentMetricsRepository } from './agent-metrics.repository.js';
import { AgentRegistryService } from './agent-registry.service.js';
import { AgentVersionsRepository, type LockedAgent, type NewVersion } from './agent-versions.repository.js';
import { AgentsRepository } from './agents.repository.js';

/**
 * Who made a change: a person (their display name for the history, their id for the audit log),
 * an agent (the builder), or the system.
 */
export type AgentAuthor = { type: 'user'; name: string; userId: string } | { type: 'agent' | 'system'; name: string };

/**
 * How a save is recorded beyond its version: the audit action of a person's save, and a change
 * of the caller's that must commit with it (`within`: in the save's transaction, once the new
 * version is written; throwing undoes the save).
 */
export interface SaveRecord {
  action: string;
  details?: Record<string, unknown>;
  within?: (db: PoolClient, version: number) => Promise<void>;
}

/** The content one save writes: both files are hashed, only `write` ones are rewritten. */
interface Change {
  definition: AgentDefinition;
  contextMd: string;
  yamlText: string;
  write: Array<'agent.yaml' | 'Context.md'>;
  restoredFrom: number | null;
  message: string;
}

const notFound = (name: string) => new AppError('agent/not_found', `Agent ${name} does not exist.`);
const invalid = (errors: string[]) =>
  new AppError('agent/invalid', `The agent's files are not valid: ${errors.join('; ')}`, errors.map((message) => ({ path: message.split(':')[0] ?? '(root)', message })));

/**
 * The Workforce's agent editing (docs/api.md#workforce-agents-contextmd-versions-metrics). Every
 * save names the version it was based on and is one step: in one transaction the agent row is
 * locked, the version checked, the new agent_versions row and managed_agents content written, and
 * the files replaced atomically before commit (and put back if the commit fails). Then the registry
 * is reloaded in memory, so the very next task runs with the new content.
 */
@Injectable()
export class AgentWorkspaceService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly registry: AgentRegistryService,
    private readonly agents: AgentsRepository,
    private readonly versionsRepo: AgentVersionsRepository,
    private readonly metrics: AgentMetricsRepository,
    private readonly loads: AgentLoadRepository,
    private readonly publisher: RealtimePublisher,
    private readonly audit: AuditRepository,
  ) {}

  async detail(workspaceId: string, name: string): Promise<AgentDetail> {
    const record = await this.agents.find(workspaceId, name);
    if (!record) throw notFound(name);
    const warnings = this.registry.current().get(name)?.warnings;
    return {
      ...record.summary,
      definition: record.definition,
      contextMd: record.contextMd,
      version: record.version,
      sourcePath: record.sourcePath,
      updatedAt: record.updatedAt,
      metrics: await this.metrics.forAgent(workspaceId, name),
      ...(warnings ? { contentWarnings: warnings } : {}),
    };
  }

  saveContext(workspaceId: string, name: string, body: SaveAgentContextBody, author: AgentAuthor): Promise<AgentDetail> {
    return this.save(workspaceId, name, body.baseVersion, author, { action: 'agent.save_context' }, async (locked, dir) => {
      const yaml = await this.definitionOnDisk(dir, locked);
      return {
        definition: yaml.definition,
        yamlText: yaml.text,
        contextMd: body.contextMd,
        write: yaml.healed ? ['agent.yaml', 'Context.md'] : ['Context.md'],
        restoredFrom: null,
        message: withHealNote(body.message || 'Edited Context.md', yaml.healed ? 'agent.yaml' : null),
      };
    });
  }

  saveDefinition(workspaceId: string, name: string, body: SaveAgentDefinitionBody, author: AgentAuthor): Promise<AgentDetail> {
    if (body.definition.name !== name) {
      throw invalid([`name: "${body.definition.name}" cannot replace "${name}": the name is the agent's identity (create a new agent instead)`]);
    }
    return this.save(workspaceId, name, body.baseVersion, author, { action: 'agent.save_definition' }, async (locked, dir) => {
      const context = await this.contextOnDisk(dir, locked);
      return {
        definition: body.definition,
        yamlText: serializeAgentYaml(body.definition),
        contextMd: context.text,
        write: context.healed ? ['agent.yaml', 'Context.md'] : ['agent.yaml'],
        restoredFrom: null,
        message: withHealNote(body.message || 'Edited settings', context.healed ? 'Context.md' : null),
      };
    });
  }

  restore(
    workspaceId: string,
    name: string,
    body: RestoreAgentVersionBody,
    author: AgentAuthor,
    record: SaveRecord = { action: 'agent.restore' },
  ): Promise<AgentDetail> {
    return this.save(workspaceId, name, body.baseVersion, author, record, async (_locked, _dir, db) => {
      const old = await this.versionsRepo.get(workspaceId, name, body.version, db);
      if (!old) throw new AppError('agent/version_not_found', `Agent ${name} has no version ${body.version}.`);
      return {
        definition: old.definition,
        yamlText: serializeAgentYaml(old.definition),
        contextMd: old.contextMd,
        write: ['agent.yaml', 'Context.md'],
        restoredFrom: body.version,
        message: body.message || `Restored version ${body.version}`,
      };
    });
  }

  /**
   * Deploys a new agent: its folder under agents/<department>/<name>/, version 1, a hot reload
   * and `registry.reloaded`. 409 agent/exists when the name is taken (also by a retired agent,
   * whose history keeps the name); 422 agent/invalid when the draft fails validation.
   */
  async createAgent(workspaceId: string, draft: AgentDraft, author: AgentAuthor, message: string): Promise<AgentDetail> {
    const parsed = AgentDefinitionSchema.safeParse(draft.definition);
    if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `agent.yaml: ${i.path.join('.') || '(root)'}: ${i.message}`));
    const definition = parsed.data;
    const name = definition.name;
    const sourcePath = `${definition.department}/${name}`;
    const dir = path.join(this.registry.agentsDir(), sourcePath);
    await this.registry.exclusive(async () => {
      await this.registry.reloadNow({ onlyIfChanged: true });
      const current = this.registry.current();
      const taken = current.get(name) || current.invalid.some((i) => i.name === name) || (await this.versionsRepo.exists(workspaceId, name)) || existsSync(dir);
      if (taken) throw new AppError('agent/exists', `An agent named ${name} already exists; choose another name.`);
      const check = checkAgentChange(current.agents, { ...draft, definition }, { requireModule: true });
      if (check.errors.length > 0) throw invalid(check.errors);
      const yamlText = serializeAgentYaml(definition);
      const files: Record<string, string> = { 'agent.yaml': yamlText, 'Context.md': draft.contextMd };
      if (draft.moduleSource) files['index.ts'] = draft.moduleSource;
      if (draft.inputSchemaSource) files['schema.ts'] = draft.inputSchemaSource;
      const version: NewVersion = {
        version: 1,
        contextMd: draft.contextMd,
        definition,
        contentHash: agentContentHash(yamlText, draft.contextMd, definition.type === 'function' ? (draft.moduleSource ?? undefined) : undefined),
        authorType: author.type,
        author: author.name,
        message: message || 'Created',
        restoredFrom: null,
      };
      await this.inTransactionWithFiles(dir, files, async (db) => {
        await this.versionsRepo.insertAgent(db, workspaceId, sourcePath, version);
        await this.versionsRepo.insert(db, workspaceId, name, version);
      });
      await this.registry.reloadNow();
    });
    return this.detail(workspaceId, name);
  }

  /** Marks an agent being created / being improved (null: back to online/busy) and pushes agent.status_changed. */
  async setLifecycle(workspaceId: string, name: string, lifecycle: 'being_created' | 'being_improved' | null): Promise<void> {
    if (await this.loads.setLifecycle(workspaceId, name, lifecycle)) return;
    // An agent that is not deployed yet has no row: the org chart still shows it being built.
    if (lifecycle === 'being_created') this.publisher.agentStatusChanged(workspaceId, { name, status: 'being_created', currentLoad: 0, maxConcurrent: 1 });
    else if (lifecycle === 'being_improved') throw notFound(name);
  }

  async versions(workspaceId: string, name: string, query: { limit: number; cursor?: string }): Promise<AgentVersionPage> {
    if (!(await this.versionsRepo.exists(workspaceId, name))) throw notFound(name);
    return this.versionsRepo.page(workspaceId, name, query.limit, query.cursor);
  }

  async version(workspaceId: string, name: string, version: number): Promise<AgentVersion> {
    const found = await this.versionsRepo.get(workspaceId, name, version);
    if (found) return found;
    if (!(await this.versionsRepo.exists(workspaceId, name))) throw notFound(name);
    throw new AppError('agent/version_not_found', `Agent ${name} has no version ${version}.`);
  }

  async diff(workspaceId: string, name: string, from: number, to: number): Promise<AgentDiff> {
    const [a, b] = await Promise.all([this.version(workspaceId, name, from), this.version(workspaceId, name, to)]);
    return agentDiff(a, b);
  }

  private async save(
    workspaceId: string,
    name: string,
    baseVersion: number,
    author: AgentAuthor,
    record: SaveRecord,
    build: (locked: LockedAgent, dir: string, db: PoolClient) => Promise<Change>,
  ): Promise<AgentDetail> {
    await this.registry.exclusive(async () => {
      // An edit on disk that the watcher has not picked up yet becomes its version first, so
      // this save conflicts with it instead of silently overwriting it.
      await this.registry.reloadNow({ onlyIfChanged: true });
      let written: RestoreFiles | undefined;
      try {
        await withTransaction(this.pool, async (db) => {
          const locked = await this.versionsRepo.lock(db, workspaceId, name);
          if (!locked || locked.status === 'retired') throw notFound(name);
          if (locked.version !== baseVersion) throw await this.conflict(db, workspaceId, name, baseVersion, locked.version);
          const dir = path.join(this.registry.agentsDir(), locked.sourcePath);
          const change = await build(locked, dir, db);
          const others = this.registry.current().agents;
          const check = checkAgentChange(others, { definition: change.definition, contextMd: change.contextMd }, { requireModule: false });
          if (check.errors.length > 0) throw invalid(check.errors);
          const moduleSource = change.definition.type === 'function' ? await readFile(path.join(dir, 'index.ts'), 'utf8').catch(() => undefined) : undefined;
          const version: NewVersion = {
            version: locked.version + 1,
            contextMd: change.contextMd,
            definition: change.definition,
            contentHash: agentContentHash(change.yamlText, change.contextMd, moduleSource),
            authorType: author.type,
            author: author.name,
            message: change.message,
            restoredFrom: change.restoredFrom,
          };
          await this.versionsRepo.insert(db, workspaceId, name, version);
          await this.versionsRepo.applyToAgent(db, workspaceId, name, version);
          if (author.type === 'user')
            await this.audit.append(db, [
              personEntry({ workspaceId, userId: author.userId }, record.action, {
                targetType: 'agent',
                targetId: name,
                details: { version: version.version, restoredFrom: version.restoredFrom, ...record.details },
              }),
            ]);
          await record.within?.(db, version.version);
          const files = Object.fromEntries(change.write.map((f) => [f, f === 'agent.yaml' ? change.yamlText : change.contextMd]));
          // Last step before commit: a failure above leaves the files untouched.
          written = await writeAgentFiles(dir, files);
        });
      } catch (err) {
        if (written) await written();
        throw err;
      }
      await this.registry.reloadNow();
    });
    return this.detail(workspaceId, name);
  }

  /** Runs `fn` in a transaction with the files written just before commit, restored if it fails. */
  private async inTransactionWithFiles(dir: string, files: Record<string, string>, fn: (db: PoolClient) => Promise<void>): Promise<void> {
    let written: RestoreFiles | undefined;
    try {
      await withTransaction(this.pool, async (db) => {
        await fn(db);
        written = await writeAgentFiles(dir, files);
      });
    } catch (err) {
      if (written) await written();
      throw err;
    }
  }

  private async conflict(db: PoolClient, workspaceId: string, name: string, baseVersion: number, currentVersion: number): Promise<AppError> {
    const current = await this.versionsRepo.get(workspaceId, name, currentVersion, db);
    const base = await this.versionsRepo.get(workspaceId, name, baseVersion, db);
    if (!current) return new AppError('agent/version_conflict', `Agent ${name} is at version ${currentVersion}, not ${baseVersion}; reload it and save again.`);
    const details: AgentVersionConflict = { baseVersion, currentVersion, current, diff: agentDiff(base ?? current, current) };
    return new AppError(
      'agent/version_conflict',
      `Agent ${name} was saved as version ${currentVersion} after you opened version ${baseVersion}; review the changes and save again on top of version ${currentVersion}.`,
      undefined,
      details,
    );
  }

  /** agent.yaml as it is on disk; a broken or missing file is rewritten from the stored definition. */
  private async definitionOnDisk(dir: string, locked: LockedAgent): Promise<{ definition: AgentDefinition; text: string; healed: boolean }> {
    const text = await readFile(path.join(dir, 'agent.yaml')).then((b) => decodeUtf8Strict(b, 'agent.yaml'), () => undefined);
    const yaml = text === undefined ? undefined : parseAgentYaml(text);
    const parsed = yaml?.ok ? AgentDefinitionSchema.safeParse(yaml.value) : undefined;
    if (text !== undefined && parsed?.success) return { definition: parsed.data, text, healed: false };
    if (!locked.definition) throw invalid(['agent.yaml: the file on disk is not valid and no valid version is stored; fix the settings first']);
    return { definition: locked.definition, text: serializeAgentYaml(locked.definition), healed: true };
  }

  /** Context.md as it is on disk; an unreadable file is rewritten from the stored text. */
  private async contextOnDisk(dir: string, locked: LockedAgent): Promise<{ text: string; healed: boolean }> {
    const text = await readFile(path.join(dir, 'Context.md')).then((b) => decodeUtf8Strict(b, 'Context.md'), () => undefined);
    return text === undefined ? { text: locked.contextMd, healed: true } : { text, healed: false };
  }
}

function withHealNote(message: string, healed: string | null): string {
  return healed ? `${message} (${healed} rewritten from the last valid version: the file on disk was unreadable)` : message;
}
