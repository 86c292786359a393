import { Inject, Injectable } from '@nestjs/common';
import type {
  AgentCircuit,
  Budget,
  ProjectRunLimits,
  PutBudgetBody,
  RunLimitsBody,
  UsageCallList,
  UsageCallsQuery,
  UsageQuery,
  UsageReport,
} from '@orchestrator/contracts';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { BUDGETS_OPTIONS, type BudgetsOptions } from './budgets.options.js';
import { BudgetsRepository } from './budgets.repository.js';
import { toAgentCircuit } from './budgets.rows.js';
import { UsageReportRepository } from './usage-report.repository.js';

/** Setting budgets and limits changes what agents may spend: admins only. */

@Injectable()
export class BudgetsService {
  constructor(
    private readonly repository: BudgetsRepository,
    private readonly usage: UsageReportRepository,
    @Inject(BUDGETS_OPTIONS) private readonly options: BudgetsOptions,
  ) {}

  list(ctx: RequestContext): Promise<Budget[]> {
    return this.repository.list(ctx.workspaceId);
  }

  /** Creates or replaces a budget. Raising an exhausted one lets a person retry the stopped step. */
  async put(ctx: RequestContext, body: PutBudgetBody): Promise<Budget> {
    if (!(await this.repository.scopeExists(ctx.workspaceId, body.scope, body.scopeRef))) {
      throw new AppError('budget/unknown_scope', `No ${body.scope} “${body.scopeRef}” exists in this workspace.`, [
        { path: 'scopeRef', message: `no such ${body.scope}` },
      ]);
    }
    const id = await this.repository.put(ctx.workspaceId, ctx.userId, body);
    return (await this.repository.get(ctx.workspaceId, id))!;
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    if (!(await this.repository.remove(ctx.workspaceId, id, ctx.userId)))
      throw new AppError('budget/not_found', `Budget ${id} does not exist.`);
  }

  report(ctx: RequestContext, query: UsageQuery): Promise<UsageReport> {
    return this.usage.report(ctx.workspaceId, query);
  }

  usageCalls(ctx: RequestContext, query: UsageCallsQuery): Promise<UsageCallList> {
    return this.usage.calls(ctx.workspaceId, query);
  }

  async runLimits(ctx: RequestContext, projectId: string): Promise<ProjectRunLimits> {
    const limits = await this.repository.runLimits({ workspaceId: ctx.workspaceId, projectId }, '');
    return { projectId, ...limits };
  }

  async setRunLimits(ctx: RequestContext, projectId: string, body: RunLimitsBody): Promise<ProjectRunLimits> {
    if (!(await this.repository.setRunLimits(ctx.workspaceId, projectId, body, ctx.userId)))
      throw new AppError('project/not_found', `Project ${projectId} does not exist.`);
    return this.runLimits(ctx, projectId);
  }

  async circuits(ctx: RequestContext): Promise<AgentCircuit[]> {
    const now = this.options.now();
    return (await this.repository.circuits(ctx.workspaceId)).map((r) => toAgentCircuit(r, now, this.options.circuit));
  }

  async resetCircuit(ctx: RequestContext, agent: string): Promise<AgentCircuit> {
    const row = await this.repository.resetCircuit(ctx.workspaceId, agent, ctx.userId);
    if (!row)
      throw new AppError('request/not_found', `Agent ${agent} has no circuit breaker record (it never failed).`);
    return toAgentCircuit(row, this.options.now(), this.options.circuit);
  }
}
