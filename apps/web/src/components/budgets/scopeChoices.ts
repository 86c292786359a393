import { departmentLabel, type AgentSummary, type BudgetScope, type ProjectSummary } from '@orchestrator/contracts';

/** What a budget can be set on: the agents, projects and departments the list endpoints return. */
export interface ScopeNames {
  agents: readonly Pick<AgentSummary, 'name' | 'title' | 'department'>[];
  projects: readonly Pick<ProjectSummary, 'id' | 'title' | 'status'>[];
  departments: readonly string[];
}

/** One entry of the scope picker: what is sent (value), what is read (label) and a hint to tell alike ones apart. */
export interface ScopeChoice {
  value: string;
  label: string;
  detail: string;
}

const byLabel = (a: ScopeChoice, b: ScopeChoice) => a.label.localeCompare(b.label);

export function scopeChoices(scope: BudgetScope, names: ScopeNames): ScopeChoice[] {
  switch (scope) {
    case 'agent':
      return names.agents
        .map((a) => ({ value: a.name, label: a.title, detail: departmentLabel(a.department) }))
        .sort(byLabel);
    case 'project':
      return names.projects.map((p) => ({ value: p.id, label: p.title, detail: p.status.replace(/_/g, ' ') }));
    case 'department':
      return names.departments.map((d) => ({ value: d, label: departmentLabel(d), detail: '' })).sort(byLabel);
  }
}

/** "Blog Post Writer", "Launch campaign", "Human resources": how a budget's reference reads. */
export function scopeRefLabel(scope: BudgetScope, ref: string, names: ScopeNames): string {
  if (scope === 'agent') return names.agents.find((a) => a.name === ref)?.title ?? ref;
  if (scope === 'project') return names.projects.find((p) => p.id === ref)?.title ?? ref;
  return departmentLabel(ref);
}

export const SCOPE_NOUN: Record<BudgetScope, string> = { agent: 'agent', project: 'project', department: 'department' };
