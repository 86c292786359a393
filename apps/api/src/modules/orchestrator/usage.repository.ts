import { Inject, Injectable } from '@nestjs/common';
import type { LlmUsage, UsageContext, UsageSink } from '@orchestrator/core';
import type { Pool } from '@orchestrator/db';
import { PG_POOL } from '../../database/tokens.js';

/** Writes one `llm_calls` row per LLM call (cost is filled in once prices are configured). */
@Injectable()
export class UsageRepository implements UsageSink {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async record(ctx: UsageContext, u: LlmUsage): Promise<void> {
    await this.pool.query(
      `insert into llm_calls (workspace_id, conversation_id, agent_name, provider, model, prompt_tokens, completion_tokens, total_tokens, duration_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [ctx.workspaceId, ctx.conversationId ?? null, u.agentName ?? null, u.provider, u.model, u.promptTokens, u.completionTokens, u.promptTokens + u.completionTokens, u.durationMs],
    );
  }
}
