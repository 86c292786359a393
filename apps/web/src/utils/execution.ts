import {
  departmentLabel,
  FINAL_STATUSES,
  PAUSED_STATUSES,
  type ErrorCategory,
  type ErrorSeverity,
  type ProjectError,
  type ProjectStatus,
  type ProjectStep,
  type RiskLevel,
  type StepStatus,
} from '@orchestrator/contracts';
import type { ProjectControl } from '../api';

export type { ProjectControl };

/**
 * Every step status has its own colour (the `tone`, a CSS class) *and* its own icon and label,
 * so the state never depends on colour alone.
 */
export const STEP_STATUS_LOOK: Record<StepStatus, { label: string; icon: string; tone: StepStatus }> = {
  pending: { label: 'Pending', icon: 'pi pi-circle', tone: 'pending' },
  ready: { label: 'Ready', icon: 'pi pi-play-circle', tone: 'ready' },
  running: { label: 'Running', icon: 'pi pi-spinner', tone: 'running' },
  retrying: { label: 'Retrying', icon: 'pi pi-replay', tone: 'retrying' },
  pending_approval: { label: 'Awaiting approval', icon: 'pi pi-lock', tone: 'pending_approval' },
  waiting_for_human: { label: 'Waiting for a person', icon: 'pi pi-user', tone: 'waiting_for_human' },
  waiting_for_subproject: { label: 'Waiting for subproject', icon: 'pi pi-sitemap', tone: 'waiting_for_subproject' },
  waiting_for_agent: { label: 'Waiting for an agent', icon: 'pi pi-hourglass', tone: 'waiting_for_agent' },
  completed: { label: 'Completed', icon: 'pi pi-check-circle', tone: 'completed' },
  failed: { label: 'Failed', icon: 'pi pi-times-circle', tone: 'failed' },
  skipped: { label: 'Skipped', icon: 'pi pi-forward', tone: 'skipped' },
  cancelled: { label: 'Cancelled', icon: 'pi pi-ban', tone: 'cancelled' },
};

export const RISK_LABEL: Record<RiskLevel, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};
export const RISK_ICON: Record<RiskLevel, string> = {
  low: 'pi pi-info-circle',
  medium: 'pi pi-exclamation-circle',
  high: 'pi pi-exclamation-triangle',
  critical: 'pi pi-bolt',
};

export const SEVERITY_LABEL: Record<ErrorSeverity, string> = RISK_LABEL;

export const ERROR_CATEGORY_LABEL: Record<ErrorCategory, string> = {
  validation: 'Validation',
  llm_rate_limit: 'LLM rate limit',
  llm_timeout: 'LLM timeout',
  llm_bad_output: 'LLM bad output',
  agent_unavailable: 'Agent unavailable',
  tool_failure: 'Tool failure',
  network: 'Network',
  permission: 'Permission',
  budget: 'Budget',
  dependency_failed: 'Dependency failed',
  internal: 'Internal',
  cancelled: 'Cancelled',
};

// ---- project controls ----------------------------------------------------------------------

export const PROJECT_CONTROLS: readonly ProjectControl[] = ['pause', 'resume', 'cancel', 'abort'];

const PAUSED_BY_ENGINE: readonly ProjectStatus[] = PAUSED_STATUSES.filter((s) => s !== 'paused_by_user');

/**
 * Which controls the current status allows, following the core lifecycle
 * (`@orchestrator/core` projects/lifecycle, restated because the web does not depend on core):
 * pause → `paused_by_user` from running or an engine pause; resume only undoes a person's pause
 * (an approval or an error is resolved by deciding it, not by "resume"); cancel and abort end
 * any project that has not ended.
 */
export function canControl(status: ProjectStatus, control: ProjectControl): boolean {
  switch (control) {
    case 'pause':
      return status === 'running' || PAUSED_BY_ENGINE.includes(status);
    case 'resume':
      return status === 'paused_by_user';
    case 'cancel':
    case 'abort':
      return !FINAL_STATUSES.includes(status);
  }
}

export const CONTROL_LOOK: Record<
  ProjectControl,
  {
    label: string;
    icon: string;
    severity: 'secondary' | 'success' | 'warn' | 'danger';
    destructive: boolean;
    confirm: string;
  }
> = {
  pause: { label: 'Pause', icon: 'pi pi-pause', severity: 'secondary', destructive: false, confirm: '' },
  resume: { label: 'Resume', icon: 'pi pi-play', severity: 'success', destructive: false, confirm: '' },
  cancel: {
    label: 'Cancel',
    icon: 'pi pi-stop',
    severity: 'warn',
    destructive: true,
    confirm: 'Steps that are running may finish; nothing new starts and the project ends. This cannot be undone.',
  },
  abort: {
    label: 'Abort',
    icon: 'pi pi-times',
    severity: 'danger',
    destructive: true,
    confirm: 'Running steps are stopped immediately and the project ends. This cannot be undone.',
  },
};

/** Time travel needs a still run: the API refuses a rollback or fork unless the project is paused. */
export function canRollback(status: ProjectStatus): boolean {
  return status === 'paused_by_user' || PAUSED_BY_ENGINE.includes(status);
}

/** Has the project left planning, so that it has (or will have) steps running? */
export function hasRun(project: { status: ProjectStatus; approvedAt: string | null }): boolean {
  return project.approvedAt !== null || !['planning', 'awaiting_plan_approval'].includes(project.status);
}

// ---- steps ---------------------------------------------------------------------------------

/** Steps that count as done for progress: finished or deliberately skipped. */
const DONE: StepStatus[] = ['completed', 'skipped'];

export interface Progress {
  total: number;
  done: number;
  percent: number;
  /** How many steps are in each status (only the ones that occur). */
  counts: Partial<Record<StepStatus, number>>;
}

export function progressOf(steps: ProjectStep[]): Progress {
  const counts: Partial<Record<StepStatus, number>> = {};
  for (const step of steps) counts[step.status] = (counts[step.status] ?? 0) + 1;
  const done = steps.filter((s) => DONE.includes(s.status)).length;
  const total = steps.length;
  return { total, done, percent: total === 0 ? 0 : Math.round((done / total) * 100), counts };
}

/**
 * The keys a step waits for. Dependencies name steps at the same level, either by their full
 * key or by their plan id (inside a subproject the key is `<parent>/<id>`): both are resolved.
 */
export function resolveDependencies(step: ProjectStep, keys: Set<string>): string[] {
  return step.dependencies
    .map((dep) => {
      if (keys.has(dep)) return dep;
      const nested = step.parentKey ? `${step.parentKey}/${dep}` : null;
      return nested && keys.has(nested) ? nested : null;
    })
    .filter((key): key is string => key !== null);
}

export interface StepRunGroup {
  /** `main`, or the key of the subproject step. */
  id: string;
  title: string;
  parentKey: string | null;
  steps: ProjectStep[];
}

/** The top level, then one group per subproject (by `parentKey`), each in the server's order. */
export function groupRunSteps(steps: ProjectStep[], leadDepartment: string | null): StepRunGroup[] {
  const byKey = new Map(steps.map((s) => [s.stepKey, s]));
  const buckets = new Map<string | null, ProjectStep[]>();
  for (const step of steps) {
    // A step whose parent is unknown is shown at the top level rather than lost.
    const parent = step.parentKey !== null && byKey.has(step.parentKey) ? step.parentKey : null;
    buckets.set(parent, [...(buckets.get(parent) ?? []), step]);
  }
  const groups: StepRunGroup[] = [];
  const main = buckets.get(null);
  if (main)
    groups.push({
      id: 'main',
      title: leadDepartment ? departmentLabel(leadDepartment) : 'Project',
      parentKey: null,
      steps: main,
    });
  for (const [parentKey, children] of buckets) {
    if (parentKey === null) continue;
    const parent = byKey.get(parentKey);
    const department = parent?.department ? departmentLabel(parent.department) : null;
    const name = parent?.name ?? parentKey;
    groups.push({ id: parentKey, title: department ? `${department} — ${name}` : name, parentKey, steps: children });
  }
  return groups;
}

/** "1.2 MB", "980 B". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** "2 h 5 min", "45 s": how long something took. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * The date work estimated in business minutes (8-hour days, Monday to Friday) ends when it
 * starts at `start`: the planner's calendar laid over real dates, rounded up to whole days.
 */
export function businessEnd(start: Date, minutes: number): Date {
  const at = new Date(start.getTime());
  let days = Math.ceil(minutes / (8 * 60));
  while (days > 0) {
    at.setDate(at.getDate() + 1);
    const weekday = at.getDay();
    if (weekday !== 0 && weekday !== 6) days -= 1;
  }
  return at;
}

const SETTLED: StepStatus[] = ['completed', 'skipped', 'cancelled'];

/** While the run waits for a person's answer to a failure (the API resumes it after one). */
const AWAITING_RECOVERY: ProjectStatus[] = ['paused_on_error', 'paused_for_agent_development'];

/**
 * Steps a person must recover: while the project waits for an answer to a failure, each step
 * with an unresolved error (or, before the errors are loaded, each failed step) not yet settled.
 */
export function recoverableSteps(
  status: ProjectStatus,
  steps: ProjectStep[],
  errors: ProjectError[] | undefined,
): Set<string> {
  if (!AWAITING_RECOVERY.includes(status)) return new Set();
  const live = new Map(steps.map((s) => [s.stepKey, s]));
  const keys = errors
    ? errors.filter((e) => e.resolvedAt === null && e.stepKey !== null).map((e) => e.stepKey as string)
    : steps.filter((s) => s.status === 'failed').map((s) => s.stepKey);
  return new Set(keys.filter((key) => !SETTLED.includes(live.get(key)?.status ?? 'failed')));
}
