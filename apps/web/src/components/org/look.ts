import { departmentLabel, type AgentSummary } from '@orchestrator/contracts';

export type AgentStatus = AgentSummary['status'];
type Severity = 'success' | 'warn' | 'secondary' | 'info' | 'contrast' | 'danger';

/** How each status reads and looks: a label for people, a tag severity and a colour for the chart. */
export const STATUS_LOOK: Record<AgentStatus, { label: string; severity: Severity; icon: string; colour: string }> = {
  online: { label: 'Online', severity: 'success', icon: 'pi pi-circle-fill', colour: 'var(--p-green-500)' },
  busy: { label: 'Busy', severity: 'warn', icon: 'pi pi-clock', colour: 'var(--p-amber-500)' },
  offline: { label: 'Offline', severity: 'secondary', icon: 'pi pi-circle', colour: 'var(--p-surface-400)' },
  being_created: { label: 'Being created', severity: 'info', icon: 'pi pi-wrench', colour: 'var(--p-sky-500)' },
  being_improved: { label: 'Being improved', severity: 'info', icon: 'pi pi-sync', colour: 'var(--p-indigo-500)' },
  retired: { label: 'Retired', severity: 'contrast', icon: 'pi pi-ban', colour: 'var(--p-surface-600)' },
};

export const TYPE_LABEL: Record<AgentSummary['type'], string> = {
  orchestrator: 'Orchestrator',
  context: 'Context agent',
  function: 'Function agent',
};

const KNOWN_DEPARTMENTS: Record<string, string> = {
  executive: 'violet',
  engineering: 'blue',
  finance: 'emerald',
  hr: 'pink',
  marketing: 'orange',
  operations: 'teal',
};
const SPARE = ['cyan', 'indigo', 'amber', 'lime', 'rose', 'sky', 'fuchsia', 'yellow', 'purple', 'green'];

/** A stable hue per department: the six standard ones fixed, any other picked by its name. */
export function departmentHue(department: string): string {
  const known = KNOWN_DEPARTMENTS[department];
  if (known) return known;
  let hash = 0;
  for (const char of department) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return SPARE[hash % SPARE.length]!;
}

export const departmentColour = (department: string): string => `var(--p-${departmentHue(department)}-500)`;

/** Load as a share of capacity (0..1); a capacity of 0 counts as full when anything runs. */
export function loadShare(agent: Pick<AgentSummary, 'currentLoad' | 'maxConcurrent'>): number {
  if (agent.maxConcurrent <= 0) return agent.currentLoad > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, agent.currentLoad / agent.maxConcurrent));
}

/** What a screen reader hears for one card. */
export function describeAgent(agent: AgentSummary, reports: number): string {
  const parts = [
    `${agent.title} (${agent.name})`,
    departmentLabel(agent.department),
    agent.loadError ? 'definition error' : STATUS_LOOK[agent.status].label.toLowerCase(),
    `load ${agent.currentLoad} of ${agent.maxConcurrent}`,
  ];
  if (reports > 0) parts.push(`${reports} direct ${reports === 1 ? 'report' : 'reports'}`);
  return parts.join(', ');
}
