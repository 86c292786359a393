import type { AgentSummary } from '@orchestrator/contracts';

export interface OrgNode {
  agent: AgentSummary;
  children: OrgNode[];
  /** Set when the agent's `reportsTo` names an agent that does not exist (shown at the top). */
  missingManager: string | null;
  depth: number;
}

const TYPE_RANK: Record<AgentSummary['type'], number> = { orchestrator: 0, context: 1, function: 2 };

function compareAgents(a: AgentSummary, b: AgentSummary): number {
  return TYPE_RANK[a.type] - TYPE_RANK[b.type] || a.title.localeCompare(b.title) || a.name.localeCompare(b.name);
}

/**
 * Builds the reporting hierarchy from the flat agent list. Agents with no manager are roots
 * (the CEO); an agent whose manager is unknown, or that sits in a reporting cycle, is also shown
 * at the top rather than silently dropped.
 */
export function buildOrgTree(agents: readonly AgentSummary[]): OrgNode[] {
  const byName = new Map(agents.map((agent) => [agent.name, agent]));
  const reports = new Map<string, AgentSummary[]>();
  for (const agent of agents) {
    if (agent.reportsTo === null || !byName.has(agent.reportsTo) || agent.reportsTo === agent.name) continue;
    const list = reports.get(agent.reportsTo) ?? [];
    list.push(agent);
    reports.set(agent.reportsTo, list);
  }

  const placed = new Set<string>();
  function grow(agent: AgentSummary, depth: number, missingManager: string | null): OrgNode {
    placed.add(agent.name);
    const children = (reports.get(agent.name) ?? [])
      .filter((child) => !placed.has(child.name))
      .sort(compareAgents)
      .map((child) => grow(child, depth + 1, null));
    return { agent, children, missingManager, depth };
  }

  const roots = agents
    .filter((a) => a.reportsTo === null || a.reportsTo === a.name || !byName.has(a.reportsTo))
    .sort(compareAgents)
    .map((a) => grow(a, 0, a.reportsTo !== null && a.reportsTo !== a.name ? a.reportsTo : null));

  // Whatever is left is in a reporting cycle: surface it instead of hiding it.
  for (const agent of [...agents].sort(compareAgents)) {
    if (!placed.has(agent.name)) roots.push(grow(agent, 0, agent.reportsTo));
  }
  return roots;
}

export function countNodes(nodes: readonly OrgNode[]): number {
  return nodes.reduce((total, node) => total + 1 + countNodes(node.children), 0);
}
