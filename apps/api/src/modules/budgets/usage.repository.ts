import { Inject, Injectable } from '@nestjs/common';
import type { LlmUsage, UsageContext, UsageSink } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import type { AppConfig } from '../../config/env.js';
import { APP_CONFIG, PG_POOL } from '../../database/tokens.js';
import { GuardCache } from './guard-cache.js';
import { llmCostUsd } from './pricing.js';

/**
 * Writes one `llm_calls` row per LLM call, attributed to its project step and priced from
 * LLM_PRICES (docs/operations.md#budgets), and tells the guard's budget cache (so the next check sees the spend).
 * Provided once, by BudgetsModule: every module that records LLM calls imports that module.
 */
@Injectable()
export class UsageRepository implements UsageSink {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly guard: GuardCache,
  ) {}

  async record(ctx: UsageContext, u: LlmUsage): Promise<void> {
    const cost = llmCostUsd(this.config.env.LLM_PRICES, u.provider, u.model, u.promptTokens, u.completionTokens);
    await this.pool.query(
      `insert into llm_calls (workspace_id, conversation_id, project_id, step_id, agent_name, provider, model, prompt_tokens, completion_tokens, total_tokens, cost_usd, duration_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        ctx.workspaceId,
        ctx.conversationId ?? null,
        ctx.projectId ?? null,
        ctx.stepKey ?? null,
        u.agentName ?? null,
        u.provider,
        u.model,
        u.promptTokens,
        u.completionTokens,
        u.promptTokens + u.completionTokens,
        cost,
        u.durationMs,
      ],
    );
    this.guard.spendRecorded(ctx.workspaceId, { projectId: ctx.projectId ?? null, agent: u.agentName ?? null });
  }
}
