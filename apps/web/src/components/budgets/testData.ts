import type { AgentCircuit, Budget, UsageReport } from '@orchestrator/contracts';
import { uuid } from '../../testing/factories';

// Fixtures for the budgets specs (valid against the contracts' schemas).

const NOW = '2026-11-20T10:00:00.000Z';

export function budget(overrides: Partial<Budget> = {}): Budget {
  return {
    id: uuid(),
    scope: 'agent',
    scopeRef: 'cfo',
    period: 'month',
    tokenSoftLimit: null,
    tokenHardLimit: 100_000,
    costSoftLimitUsd: 5,
    costHardLimitUsd: 10,
    enabled: true,
    periodStart: '2026-11-01T00:00:00.000Z',
    tokensUsed: 20_000,
    costUsedUsd: 6,
    state: 'soft',
    softWarnedAt: NOW,
    hardStoppedAt: null,
    updatedAt: NOW,
    ...overrides,
  };
}

export function circuit(overrides: Partial<AgentCircuit> = {}): AgentCircuit {
  return {
    agentName: 'cfo',
    state: 'open',
    consecutiveFailures: 5,
    lastFailureAt: NOW,
    lastError: 'provider timeout',
    openedAt: NOW,
    retryAt: NOW,
    ...overrides,
  };
}

const totals = { calls: 3, promptTokens: 100, completionTokens: 50, totalTokens: 150, costUsd: 0.25 };
export function usage(groupBy: UsageReport['groupBy'] = 'agent'): UsageReport {
  return { groupBy, rows: [{ key: 'cfo', label: null, ...totals }], total: totals };
}
