import { departmentLabel, type AgentMetrics, type AgentSummary } from '@orchestrator/contracts';
import { STATUS_LOOK } from '../org/look';

/** The columns the agent table sorts by. */
export type AgentSortKey = 'name' | 'department' | 'status' | 'tasks' | 'success' | 'duration' | 'rating' | 'cost';
export type SortDirection = 'asc' | 'desc';
export interface AgentSort {
  key: AgentSortKey;
  direction: SortDirection;
}

export interface AgentFilter {
  text: string;
  department: string | null;
  type: AgentSummary['type'] | null;
  status: AgentSummary['status'] | null;
}

/** Numbers read best largest first; names and labels A to Z. */
export const defaultDirection = (key: AgentSortKey): SortDirection =>
  key === 'name' || key === 'department' || key === 'status' ? 'asc' : 'desc';

/** Statuses in the order a person scans them: who can work now first, retired last. */
const STATUS_ORDER: Record<AgentSummary['status'], number> = {
  online: 0,
  busy: 1,
  being_improved: 2,
  being_created: 3,
  offline: 4,
  retired: 5,
};

type Metrics = Pick<AgentMetrics, 'tasks' | 'successRate' | 'avgDurationMs' | 'avgRating' | 'costUsd'>;

function metricOf(key: AgentSortKey, m: Metrics | null): number | null {
  if (!m) return null;
  switch (key) {
    case 'tasks':
      return m.tasks;
    case 'success':
      return m.successRate;
    case 'duration':
      return m.avgDurationMs;
    case 'rating':
      return m.avgRating;
    case 'cost':
      return m.costUsd;
    default:
      return null;
  }
}

export function matchesFilter(agent: AgentSummary, filter: AgentFilter): boolean {
  const needle = filter.text.trim().toLowerCase();
  return (
    (filter.department === null || agent.department === filter.department) &&
    (filter.type === null || agent.type === filter.type) &&
    (filter.status === null || agent.status === filter.status) &&
    (!needle ||
      agent.name.toLowerCase().includes(needle) ||
      agent.title.toLowerCase().includes(needle) ||
      agent.description.toLowerCase().includes(needle) ||
      departmentLabel(agent.department).toLowerCase().includes(needle) ||
      agent.capabilities.some((c) => c.toLowerCase().replace(/_/g, ' ').includes(needle.replace(/_/g, ' '))))
  );
}

/**
 * The agents that pass the filter, in the chosen order. Agents without a figure for a numeric
 * column (no metrics yet, or no rating) go last in either direction; ties fall back to the title.
 */
export function sortAgents(
  agents: readonly AgentSummary[],
  sort: AgentSort,
  metricsOf: (name: string) => Metrics | null,
): AgentSummary[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const byTitle = (a: AgentSummary, b: AgentSummary) => a.title.localeCompare(b.title);
  const compare = (a: AgentSummary, b: AgentSummary): number => {
    switch (sort.key) {
      case 'name':
        return sign * byTitle(a, b);
      case 'department':
        return sign * departmentLabel(a.department).localeCompare(departmentLabel(b.department)) || byTitle(a, b);
      case 'status':
        return sign * (STATUS_ORDER[a.status] - STATUS_ORDER[b.status]) || byTitle(a, b);
      default: {
        const x = metricOf(sort.key, metricsOf(a.name));
        const y = metricOf(sort.key, metricsOf(b.name));
        if (x === null || y === null) return x === y ? byTitle(a, b) : x === null ? 1 : -1;
        return sign * (x - y) || byTitle(a, b);
      }
    }
  };
  return [...agents].sort(compare);
}

/** "Busy", "Being improved": what a status reads as. */
export const statusLabel = (status: AgentSummary['status']): string => STATUS_LOOK[status].label;
