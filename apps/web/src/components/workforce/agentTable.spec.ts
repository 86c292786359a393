import type { AgentSummary } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { matchesFilter, sortAgents, type AgentFilter } from './agentTable';
import { agent as agentSummary } from '../../testing/factories';

const agents: AgentSummary[] = [
  agentSummary({ name: 'recruiter', title: 'Recruiter', department: 'human_resources', status: 'busy' }),
  agentSummary({ name: 'roi_calculator', title: 'ROI Calculator', department: 'finance', status: 'online' }),
  agentSummary({ name: 'blog_post_writer', title: 'Blog Post Writer', department: 'marketing', status: 'retired' }),
];
const metrics: Record<
  string,
  { tasks: number; successRate: number | null; avgDurationMs: number | null; avgRating: number | null; costUsd: number }
> = {
  recruiter: { tasks: 4, successRate: 1, avgDurationMs: 100, avgRating: null, costUsd: 0.5 },
  roi_calculator: { tasks: 9, successRate: 0.5, avgDurationMs: 10, avgRating: 4, costUsd: 0 },
};
const metricsOf = (name: string) => metrics[name] ?? null;
const titles = (list: AgentSummary[]) => list.map((a) => a.title);
const none: AgentFilter = { text: '', department: null, type: null, status: null };

describe('sortAgents', () => {
  it('should order by title, department label or status when those columns are chosen', () => {
    expect(titles(sortAgents(agents, { key: 'name', direction: 'asc' }, metricsOf))).toEqual([
      'Blog Post Writer',
      'Recruiter',
      'ROI Calculator',
    ]);
    expect(titles(sortAgents(agents, { key: 'department', direction: 'desc' }, metricsOf))).toEqual([
      'Blog Post Writer',
      'Recruiter',
      'ROI Calculator',
    ]);
    expect(titles(sortAgents(agents, { key: 'status', direction: 'asc' }, metricsOf))).toEqual([
      'ROI Calculator',
      'Recruiter',
      'Blog Post Writer',
    ]);
  });

  it('should put agents without a figure last in both directions when sorting by usage', () => {
    expect(titles(sortAgents(agents, { key: 'tasks', direction: 'desc' }, metricsOf))).toEqual([
      'ROI Calculator',
      'Recruiter',
      'Blog Post Writer',
    ]);
    expect(titles(sortAgents(agents, { key: 'tasks', direction: 'asc' }, metricsOf))).toEqual([
      'Recruiter',
      'ROI Calculator',
      'Blog Post Writer',
    ]);
    expect(titles(sortAgents(agents, { key: 'rating', direction: 'asc' }, metricsOf))[0]).toBe('ROI Calculator');
  });
});

describe('matchesFilter', () => {
  it('should find an agent by its department label or a capability in words when searching', () => {
    expect(agents.filter((a) => matchesFilter(a, { ...none, text: 'human res' })).map((a) => a.name)).toEqual([
      'recruiter',
    ]);
    expect(agents.filter((a) => matchesFilter(a, { ...none, text: 'ROI' })).map((a) => a.name)).toEqual([
      'roi_calculator',
    ]);
  });

  it('should keep only the chosen department and status when both are picked', () => {
    expect(agents.filter((a) => matchesFilter(a, { ...none, department: 'finance', status: 'online' }))).toHaveLength(
      1,
    );
    expect(agents.filter((a) => matchesFilter(a, { ...none, department: 'finance', status: 'busy' }))).toHaveLength(0);
  });
});
