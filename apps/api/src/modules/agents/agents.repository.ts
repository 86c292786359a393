import { Inject, Injectable } from '@nestjs/common';
import type { AgentSummary } from '@orchestrator/contracts';
import type { AgentRegistry, RegistryLoadResult } from '@orchestrator/core';
import { withTransaction, type Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

interface AgentRow {
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

@Injectable()
export class AgentsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Mirrors the files into managed_agents / agent_hierarchy / agent_availability in one
   * transaction. Invalid folders are kept as `invalid` rows carrying their error (so the UI can
   * show it on that agent) without overwriting the last valid definition; agents whose folder
   * disappeared are retired, never deleted (history and metrics reference them).
   */
  async mirror(workspaceId: string, registry: AgentRegistry, loaded: RegistryLoadResult): Promise<void> {
    await withTransaction(this.pool, async (db) => {
      for (const a of loaded.agents) {
        const d = a.definition;
        await db.query(
          `insert into managed_agents (workspace_id, name, title, department, agent_type, description, capabilities, definition, context_md, content_hash, source_path, status, load_error)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', null)
           on conflict (workspace_id, name) do update set
             title = excluded.title, department = excluded.department, agent_type = excluded.agent_type,
             description = excluded.description, capabilities = excluded.capabilities, definition = excluded.definition,
             context_md = excluded.context_md, source_path = excluded.source_path, status = 'active', load_error = null,
             context_version = managed_agents.context_version + case when managed_agents.content_hash is distinct from excluded.content_hash then 1 else 0 end,
             content_hash = excluded.content_hash`,
          [workspaceId, d.name, d.title, d.department, d.type, d.description, d.capabilities, JSON.stringify(d), a.contextMd, a.contentHash, a.sourcePath],
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
             status = case when agent_availability.status in ('retired', 'offline') then 'online' else agent_availability.status end,
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
           on conflict (workspace_id, name) do update set status = 'invalid', load_error = excluded.load_error`,
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
  }

  async list(workspaceId: string): Promise<AgentSummary[]> {
    const { rows } = await this.pool.query<AgentRow>(
      `select a.name, a.title, a.department, a.agent_type, h.reports_to, a.description, a.capabilities, a.status,
              av.status as availability, av.current_load, av.max_concurrent, a.load_error
         from managed_agents a
         left join agent_hierarchy h on h.workspace_id = a.workspace_id and h.agent_name = a.name
         left join agent_availability av on av.workspace_id = a.workspace_id and av.agent_name = a.name
        where a.workspace_id = $1 and a.status <> 'retired'
        order by coalesce(h.depth, 99), a.department, a.name`,
      [workspaceId],
    );
    return rows.map((r) => ({
      name: r.name,
      title: r.title,
      department: r.department,
      type: r.agent_type,
      reportsTo: r.reports_to,
      description: r.description,
      capabilities: r.capabilities,
      status: r.status === 'invalid' ? 'offline' : (r.availability ?? 'offline'),
      currentLoad: r.current_load ?? 0,
      maxConcurrent: r.max_concurrent ?? 1,
      loadError: r.load_error,
    }));
  }
}
