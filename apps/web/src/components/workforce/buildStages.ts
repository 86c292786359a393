import type { AgentBuildStatus } from '@orchestrator/contracts';

export interface BuildStage {
  status: AgentBuildStatus;
  label: string;
}

/** The path a successful build takes, in order. */
export const BUILD_STAGES: BuildStage[] = [
  { status: 'drafting', label: 'Drafting' },
  { status: 'validating', label: 'Validating' },
  { status: 'awaiting_approval', label: 'Awaiting approval' },
  { status: 'deploying', label: 'Deploying' },
  { status: 'deployed', label: 'Deployed' },
];

export const BUILD_ENDINGS: Partial<Record<AgentBuildStatus, { label: string; tone: 'error' | 'muted' }>> = {
  rejected: { label: 'Rejected', tone: 'muted' },
  failed: { label: 'Failed', tone: 'error' },
  cancelled: { label: 'Cancelled', tone: 'muted' },
};

export type StageState = 'done' | 'current' | 'todo' | 'stopped';

/**
 * Where each stage stands for a build in `status`. A build that stopped (rejected, failed,
 * cancelled) marks the stage it stopped at; `reached` is the last stage it got to, which the
 * status alone cannot say, so it is inferred from what the build carries.
 */
export function stageStates(status: AgentBuildStatus, reached: AgentBuildStatus): StageState[] {
  const ending = BUILD_ENDINGS[status] !== undefined;
  const at = BUILD_STAGES.findIndex((s) => s.status === (ending ? reached : status));
  return BUILD_STAGES.map((_stage, index) => {
    if (index < at) return 'done';
    if (index === at) return ending ? 'stopped' : status === 'deployed' ? 'done' : 'current';
    return 'todo';
  });
}

/** The last stage a stopped build reached, from what it carries. */
export function reachedStage(build: {
  status: AgentBuildStatus;
  draft: unknown;
  validation: unknown;
  approvalId: string | null;
}): AgentBuildStatus {
  if (!BUILD_ENDINGS[build.status]) return build.status;
  if (build.approvalId) return 'awaiting_approval';
  if (build.validation) return 'validating';
  return 'drafting';
}
