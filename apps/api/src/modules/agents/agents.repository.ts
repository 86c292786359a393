import { Inject, Injectable } from '@nestjs/common';
import { AgentDefinitionSchema, type AgentDefinition, type AgentSummary } from '@orchestrator/contracts';
import type { AgentRegistry, RegistryLoadResult } from '@orchestrator/core';
import { withTransaction, type Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

interface SummaryRow {
  name: string;
  title: string;
  department: string;
  agent_type: AgentSummary['type'];
  reports_to: string | null;
  description: string;
  capabilities: string[];
  status: string;
  availability: AgentSummary['status'] | null;
  current_load: number | null;
  max_concurrent: number | null;
  load_error: string | null;
}

interface AgentRow extends SummaryRow {
  definition: unknown;
  context_md: string;
  context_version: number;
  source_path: string;
  updated_at: Date;
}

@Injectable()
export class AgentsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Mirrors the files into managed_agents / agent_hierarchy / agent_availability in one
   * transaction and returns the current version of every valid agent. Invalid folders are kept as
   * `invalid` rows carrying their error (so the UI can show it on that agent) without
   * overwriting the last valid definition; agents whose folder disappeared are retired, never
   * deleted (history and metrics reference them).
   *
   * Versions: an agent without history gets version 1 ("Loaded from agents/"); files whose hash
   * differs from the stored one were edited outside the app and become a new version authored by
   * `system` ("Changed on disk"). Saves from the app store their hash first, so their own writes
   * are recognised here and never counted twice.
   */
  async mirror(workspaceId: string, registry: AgentRegistry, loaded: RegistryLoadResult): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    await withTransaction(this.pool, async (db) => {
      for (const a of loaded.agents) {
        const d = a.definition;
        const { rows } = await db.query<{ context_version: number; content_hash: string | null; latest: number | null }>(
          `select m.context_version, m.content_hash,
                  (select max(v.version) from agent_versions v where v.workspace_id = m.workspace_id and v.agent_name = m.name) as latest
             from managed_agents m where m.workspace_id = $1 and m.name = $2 for update`,
          [workspaceId, d.name],
        );
        const existing = rows[0];
        const latest = existing?.latest ?? null;
        const changed = latest === null || existing!.content_hash !== a.contentHash;
        const version = latest === null ? Math.max(existing?.context_version ?? 1, 1) : changed ? Math.max(latest, existing!.context_version) + 1 : existing!.context_version;
        if (changed) {
          await db.query(
            `insert into agent_versions (workspace_id, agent_name, version, context_md, definition, content_hash, author_type, author, message)
             values ($1, $2, $3, $4, $5, $6, 'system', 'system', $7) on conflict (workspace_id, agent_name, version) do nothing`,
            [workspaceId, d.name, version, a.contextMd, JSON.stringify(d), a.contentHash, latest === null ? 'Loaded from agents/' : 'Changed on disk'],
          );
        }
        versions.set(d.name, version);
        await db.query(
          `insert into managed_agents (workspace_id, name, title, department, agent_type, description, capabilities, definition, context_md, content_hash, source_path, status, load_error, context_version)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', null, $12)
           on conflict (workspace_id, name) do update set
             title = excluded.title, department = excluded.department, agent_type = excluded.agent_type,
             description = excluded.description, capabilities = excluded.capabilities, definition = excluded.definition,
             context_md = excluded.context_md, source_path = excluded.source_path, status = 'active', load_error = null,
             context_version = excluded.context_version, content_hash = excluded.content_hash
           -- Unchanged agents keep their row (and updated_at) as it is.
           where managed_agents.content_hash is distinct from excluded.content_hash or managed_agents.status <> 'active'
              or managed_agents.context_version <> excluded.context_version or managed_agents.source_path <> excluded.source_path`,
          [workspaceId, d.name, d.title, d.department, d.type, d.description, d.capabilities, JSON.stringify(d), a.contextMd, a.contentHash, a.sourcePath, version],
        );
        const chain = registry.chain(d.name);
        await db.query(
          `insert into agent_hierarchy (workspace_id, agent_name, reports_to, depth, path, updated_at) values ($1, $2, $3, $4, $5, now())
           on conflict (workspace_id, agent_name) do update set reports_to = excluded.reports_to, depth = excluded.depth, path = excluded.path, updated_at = now()`,
          [workspaceId, d.name, d.reportsTo, chain.length - 1, chain],
        );
        await db.query(
          `insert into agent_availability (workspace_id, agent_name, status, max_concurrent) values ($1, $2, 'online', $3)
           on conflict (workspace_id, agent_name) do update set max_concurrent = excluded.max_concurrent,
             status = case when agent_availability.status in ('retired', 'offline') then case when agent_availability.current_load > 0 then 'busy' else 'online' end else agent_availability.status end,
             updated_at = now()`,
          [workspaceId, d.name, d.limits.maxConcurrent],
        );
      }
      for (const bad of loaded.invalid) {
        const error = bad.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
        // A folder name may not be a valid agent name; those are reported in the log only.
        if (!/^[a-z][a-z0-9_]{1,63}$/.test(bad.name)) continue;
        await db.query(
          `insert into managed_agents (workspace_id, name, title, department, agent_type, source_path, status, load_error)
           values ($1, $2, $2, $3, 'context', $4, 'invalid', $5)
           on conflict (workspace_id, name) do update set status = 'invalid', load_error = excluded.load_error, source_path = excluded.source_path`,
          [workspaceId, bad.name, bad.department, bad.sourcePath, error],
        );
        await db.query(`update agent_availability set status = 'offline', updated_at = now() where workspace_id = $1 and agent_name = $2`, [workspaceId, bad.name]);
      }
      const present = [...loaded.agents.map((a) => a.definition.name), ...loaded.invalid.map((i) => i.name)];
      await db.query(`update managed_agents set status = 'retired' where workspace_id = $1 and not (name = any($2)) and status <> 'retired'`, [workspaceId, present]);
      await db.query(
        `update agent_availability set status = 'retired', updated_at = now() where workspace_id = $1 and not (agent_name = any($2))`,
        [workspaceId, present],
      );
    });
    return versions;
  }

  async list(workspaceId: string): Promise<AgentSummary[]> {
    const { rows } = await this.pool.query<SummaryRow>(`select ${SUMMARY_COLUMNS} ${FROM_AGENTS} where a.workspace_id = $1 and a.status <> 'retired' order by coalesce(h.depth, 99), a.department, a.name`, [workspaceId]);
    return rows.map(toSummary);
  }

  /** One agent with its stored definition and Context.md (retired agents included: history stays readable). */
  async find(workspaceId: string, name: string): Promise<AgentRecord | undefined> {
    const { rows } = await this.pool.query<AgentRow>(`select ${SUMMARY_COLUMNS}, a.definition, a.context_md, a.context_version, a.source_path, a.updated_at ${FROM_AGENTS} where a.workspace_id = $1 and a.name = $2`, [workspaceId, name]);
    const r = rows[0];
    if (!r) return undefined;
    const definition = AgentDefinitionSchema.safeParse(r.definition);
    return {
      summary: toSummary(r),
      definition: definition.success ? definition.data : null,
      contextMd: r.context_md,
      version: r.context_version,
      sourcePath: r.source_path,
      updatedAt: r.updated_at.toISOString(),
      retired: r.status === 'retired',
    };
  }
}

const SUMMARY_COLUMNS = `a.name, a.title, a.department, a.agent_type, h.reports_to, a.description, a.capabilities, a.status,
       av.status as availability, av.current_load, av.max_concurrent, a.load_error`;
const FROM_AGENTS = `from managed_agents a
  left join agent_hierarchy h on h.workspace_id = a.workspace_id and h.agent_name = a.name
  left join agent_availability av on av.workspace_id = a.workspace_id and av.agent_name = a.name`;

/** What the Workforce detail needs from the registry tables. */
export interface AgentRecord {
  summary: AgentSummary;
  definition: AgentDefinition | null;
  contextMd: string;
  version: number;
  sourcePath: string;
  updatedAt: string;
  retired: boolean;
}

/** Live status: files that do not load make an agent offline whatever its load. */
export function agentStatus(agentStatus: string, availability: AgentSummary['status'] | null): AgentSummary['status'] {
  if (agentStatus === 'retired') return 'retired';
  if (agentStatus === 'invalid') return 'offline';
  return availability ?? 'offline';
}

function toSummary(r: SummaryRow): AgentSummary {
  return {
    name: r.name,
    title: r.title,
    department: r.department,
    type: r.agent_type,
    reportsTo: r.reports_to,
    description: r.description,
    capabilities: r.capabilities,
    status: agentStatus(r.status, r.availability),
    currentLoad: r.current_load ?? 0,
    maxConcurrent: r.max_concurrent ?? 1,
    loadError: r.load_error,
  };
}
