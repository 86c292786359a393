import type { AutonomyLevel, PlanStep, RiskLevel } from '@orchestrator/contracts';

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Autonomy levels: supervised — every action needs approval; semi_autonomous — low runs, medium and up
 * need approval; autonomous — only critical needs review. Human approval steps and steps a named
 * person must approve always wait for a person.
 */
export function needsApproval(
  step: Pick<PlanStep, 'type' | 'collaboration' | 'riskLevel'>,
  autonomy: AutonomyLevel,
): boolean {
  if (step.type === 'human_approval' || step.collaboration === 'approval') return true;
  const risk = RANK[step.riskLevel];
  switch (autonomy) {
    case 'supervised':
      return true;
    case 'semi_autonomous':
      return risk >= RANK.medium;
    case 'autonomous':
      return risk >= RANK.critical;
  }
}

export type { AutonomyLevel };
