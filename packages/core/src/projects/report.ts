import type { ProjectStatus } from '@orchestrator/contracts';

/** How a project ended, as its conversation is told. */
export interface ProjectReportInput {
  projectId: string;
  title: string;
  status: Extract<ProjectStatus, 'completed' | 'failed' | 'aborted'>;
  /** Why it stopped (the status transition's reason), for a failed or cancelled project. */
  reason: string | null;
  startedAt: Date | null;
  endedAt: Date;
  /** Its work steps in plan order (subproject containers left out). */
  steps: Array<{ key: string; name: string; status: string; hasResult: boolean }>;
  /** Summed from the LLM calls its steps made. */
  costUsd: number;
  llmCalls: number;
}

/** Outputs listed by name before the rest are summed up as "and N more". */
const MAX_OUTPUTS = 12;

const OUTCOME: Record<ProjectReportInput['status'], string> = {
  completed: 'is complete',
  failed: 'failed',
  aborted: 'was stopped',
};

/** "3 minutes", "2 hours 5 minutes", "4 days" of wall-clock time. */
export function elapsedText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'under a minute';
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48)
    return minutes % 60 ? `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}` : plural(hours, 'hour');
  return plural(Math.round(hours / 24), 'day');
}

/** Link to a step's result in the project view (the view opens the step named by `step`). */
export const stepResultPath = (projectId: string, stepKey: string): string =>
  `/projects/${projectId}?step=${encodeURIComponent(stepKey)}`;

const escapeLinkText = (name: string): string => name.replace(/([[\]\\])/g, '\\$1');

/**
 * The message a project posts into the conversation it was planned in when it ends: outcome,
 * outputs (linked to their results in the project view), duration and cost. Facts only, from
 * the stored steps and recorded LLM calls.
 */
export function projectReportText(r: ProjectReportInput): string {
  const done = r.steps.filter((s) => s.status === 'completed').length;
  const duration = r.startedAt ? elapsedText(r.endedAt.getTime() - r.startedAt.getTime()) : null;
  const cost =
    r.llmCalls === 0
      ? 'no LLM calls, so no model cost'
      : `$${r.costUsd.toFixed(2)} for ${r.llmCalls} LLM call${r.llmCalls === 1 ? '' : 's'}`;
  const lines = [
    `**${r.title}** ${OUTCOME[r.status]}: ${done} of ${r.steps.length} steps done${duration ? ` in ${duration}` : ''}; ${cost}.`,
  ];
  if (r.status !== 'completed' && r.reason) lines.push('', `Why: ${r.reason}`);
  const outputs = r.steps.filter((s) => s.status === 'completed' && s.hasResult);
  if (outputs.length > 0) {
    lines.push('', '**Outputs**', '');
    for (const s of outputs.slice(0, MAX_OUTPUTS))
      lines.push(`- [${escapeLinkText(s.name)}](${stepResultPath(r.projectId, s.key)})`);
    if (outputs.length > MAX_OUTPUTS) lines.push(`- and ${outputs.length - MAX_OUTPUTS} more in the project`);
  }
  lines.push('', `[Open the project](/projects/${r.projectId})`);
  return lines.join('\n');
}
