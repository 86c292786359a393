import type { RISK_LEVELS } from '@orchestrator/contracts';

export type RiskLevel = (typeof RISK_LEVELS)[number];

const ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export const maxRisk = (levels: readonly RiskLevel[]): RiskLevel =>
  levels.reduce<RiskLevel>((acc, l) => (ORDER[l] > ORDER[acc] ? l : acc), 'low');
