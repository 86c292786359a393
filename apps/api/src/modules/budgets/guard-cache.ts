import { Inject, Injectable } from '@nestjs/common';
import type { BudgetUsage, CircuitRecord } from '@orchestrator/core';
import { BUDGETS_OPTIONS, type BudgetsOptions } from './budgets.options.js';
import { WorkspaceCache } from './workspace-cache.js';

/** An enabled budget with what is needed to match it to a run in memory. */
export interface GuardBudget {
  usage: BudgetUsage;
  /** Department scope: the agents in the department (its usage is theirs); empty otherwise. */
  members: ReadonlySet<string>;
}

/** Who runs or spent: the project, the agent, and the department the step names (if any). */
export interface BudgetSubject {
  projectId: string | null;
  agent: string | null;
  department: string | null;
}

/**
 * Which budgets count a run or a spend, as the guard's SQL did: the agent's budget, the project's,
 * the step's department's and the agent's own department's (they differ when another
 * department's agent helps).
 */
export function budgetApplies({ usage, members }: GuardBudget, s: BudgetSubject): boolean {
  switch (usage.scope) {
    case 'agent':
      return usage.scopeRef === s.agent;
    case 'project':
      return usage.scopeRef === s.projectId;
    case 'department':
      return usage.scopeRef === s.department || (s.agent !== null && members.has(s.agent));
  }
}

/**
 * The execution guard's view of budgets and circuits, per workspace (see WorkspaceCache). Shared
 * by BudgetsRepository, which reads and writes it, and UsageRepository, which reports spend.
 */
@Injectable()
export class GuardCache {
  /** Keyed by the budget periods the usage was summed for, so that a new day/week/month re-reads. */
  readonly budgets: WorkspaceCache<GuardBudget[]>;
  /** Agent name → circuit; an agent without a row has never failed. */
  readonly circuits: WorkspaceCache<Map<string, CircuitRecord>>;
  private readonly circuitWrites = new Map<string, { running: number; contended: boolean }>();

  constructor(@Inject(BUDGETS_OPTIONS) options: Pick<BudgetsOptions, 'cacheMaxAgeMs' | 'now'>) {
    this.budgets = new WorkspaceCache(options.cacheMaxAgeMs, options.now);
    this.circuits = new WorkspaceCache(options.cacheMaxAgeMs, options.now);
  }

  /**
   * An LLM call was recorded: the usage of the budgets that count it changed. A workspace
   * without such budgets keeps its entry — its steps then never wait for a budget read.
   */
  spendRecorded(workspaceId: string, spender: Omit<BudgetSubject, 'department'>): void {
    this.budgets.invalidateIf(workspaceId, (budgets) =>
      budgets.some((b) => budgetApplies(b, { ...spender, department: null })),
    );
  }

  /**
   * Runs one locked read-modify-write of a circuit and puts its result in the cache after the
   * commit. Two writes of the same circuit may finish out of commit order, so when they overlap
   * the workspace's circuits are re-read instead.
   */
  async writeCircuit(workspaceId: string, agent: string, write: () => Promise<CircuitRecord>): Promise<CircuitRecord> {
    const key = `${workspaceId}/${agent}`;
    const writes = this.circuitWrites.get(key) ?? { running: 0, contended: false };
    if (writes.running > 0) writes.contended = true;
    writes.running++;
    this.circuitWrites.set(key, writes);
    try {
      const record = await write();
      if (writes.contended) this.circuits.invalidate(workspaceId);
      else this.circuits.update(workspaceId, (circuits) => circuits.set(agent, record));
      return record;
    } catch (err) {
      // A failed commit leaves the row unknown.
      this.circuits.invalidate(workspaceId);
      throw err;
    } finally {
      if (--writes.running === 0) this.circuitWrites.delete(key);
    }
  }
}
