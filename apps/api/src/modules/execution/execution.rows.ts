import type { ProjectStep, StepStatus } from '@orchestrator/contracts';

export interface StepRow {
  step_key: string;
  name: string;
  step_type: ProjectStep['type'];
  status: StepStatus;
  assigned_agent: string | null;
  assigned_human: string | null;
  human_collaboration_type: ProjectStep['collaboration'];
  risk_level: ProjectStep['riskLevel'];
  dependencies: string[];
  attempt: number;
  config: { parentKey?: string | null; department?: string | null };
  result: { content?: string; contentType?: string; work?: string } | null;
  size_bytes: number | null;
  started_at: Date | null;
  completed_at: Date | null;
  context_version: number | null;
}

export const STEP_COLUMNS = `s.step_key, s.name, s.step_type, s.status, s.assigned_agent, s.assigned_human, s.human_collaboration_type,
  s.risk_level, s.dependencies, s.attempt, s.config, s.result, d.size_bytes, s.started_at, s.completed_at, s.context_version`;

export const STEP_FROM = `project_steps s left join project_data_storage d on d.id = s.result_ref`;

/** Results up to this size are previewed in lists; the full result is fetched on demand. */
export const PREVIEW_CHARS = 2000;

export function toStep(r: StepRow): ProjectStep {
  const content = r.result?.content ?? null;
  return {
    stepKey: r.step_key,
    parentKey: r.config.parentKey ?? null,
    name: r.name,
    type: r.step_type,
    status: r.status,
    department: r.config.department ?? null,
    assignedAgent: r.assigned_agent,
    assignedHuman: r.assigned_human,
    collaboration: r.human_collaboration_type,
    riskLevel: r.risk_level,
    dependencies: r.dependencies,
    attempt: r.attempt,
    resultPreview: content === null ? null : content.slice(0, PREVIEW_CHARS),
    resultSizeBytes: r.size_bytes ?? (content === null ? null : Buffer.byteLength(content)),
    startedAt: r.started_at?.toISOString() ?? null,
    completedAt: r.completed_at?.toISOString() ?? null,
    contextVersion: r.context_version,
  };
}
