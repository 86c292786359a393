import path from 'node:path';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { DelegationInfo } from '@orchestrator/contracts';
import { loadFunctionAgent, runFunctionAgent } from '../functions/index.js';
import type { LlmProvider } from '../llm/provider.js';
import type { UsageContext, UsageSink } from '../llm/usage.js';
import type { PriorResult } from '../functions/index.js';
import { streamCompletion } from '../llm/stream-completion.js';
import { streamComputedText } from '../llm/stream.js';
import type { LoadedAgent } from '../registry/load.js';
import { offlineDraft } from './offline-draft.js';
import { agentSystemPrompt } from './prompts.js';

/** What running an agent needs, in a conversation or in a project step. */
export interface AgentRuntimeDeps {
  agentsDir: string;
  llm: LlmProvider;
  usage: UsageSink;
  chunkDelayMs: number;
}

export interface AgentTaskContext {
  usage: UsageContext;
  /** Who delegated the task (shown to the agent). */
  delegatedBy: string;
  priorResults?: PriorResult[];
}

export type ExecutionOutcome =
  | { kind: 'done'; text: string; work: DelegationInfo['kind']; data?: unknown }
  /** A function agent needs more input: ask, and complete the task with the next message. */
  | { kind: 'needs_input'; question: string };

/**
 * Runs a delegated task on one agent and streams its output: function agents compute, context
 * agents answer through the configured LLM with their Context.md, and offline a context agent
 * yields a clearly marked draft brief instead of pretending to write.
 */
export async function executeAgent(
  deps: AgentRuntimeDeps,
  config: LangGraphRunnableConfig,
  agent: LoadedAgent,
  task: string,
  context: AgentTaskContext,
): Promise<ExecutionOutcome> {
  const header = `**${agent.definition.title}** (\`${agent.definition.name}\`):\n\n`;
  if (agent.definition.type === 'function') {
    const module = await loadFunctionAgent(path.join(deps.agentsDir, agent.sourcePath));
    const result = await runFunctionAgent(module, task, { now: new Date(), priorResults: context.priorResults });
    if (result.kind === 'needs_input') return { kind: 'needs_input', question: result.question };
    const text = header + result.markdown;
    await streamComputedText(config, text, deps.chunkDelayMs);
    return { kind: 'done', text, work: 'function', data: result.data };
  }
  if (deps.llm.chatModel) {
    await streamComputedText(config, header, 0);
    const body = await streamCompletion(
      deps,
      config,
      [new SystemMessage(agentSystemPrompt(agent, context.delegatedBy)), new HumanMessage(task)],
      agent.definition.name,
      context.usage,
    );
    return { kind: 'done', text: header + body, work: 'context_llm' };
  }
  const text = offlineDraft(agent, task);
  await streamComputedText(config, text, deps.chunkDelayMs);
  return { kind: 'done', text, work: 'offline_draft' };
}
