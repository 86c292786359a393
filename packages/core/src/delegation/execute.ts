import path from 'node:path';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { DelegationInfo } from '@orchestrator/contracts';
import { loadFunctionAgent, runFunctionAgent } from '../functions/index.js';
import type { LlmProvider } from '../llm/provider.js';
import type { UsageContext, UsageSink } from '../llm/usage.js';
import type { FunctionAgentModule, FunctionTask, PriorResult } from '../functions/index.js';
import { streamCompletion } from '../llm/stream-completion.js';
import { emitDelta } from '../llm/stream.js';
import type { LoadedAgent } from '../registry/load.js';
import { offlineDraft } from './offline-draft.js';
import { agentSystemPrompt } from './prompts.js';

/** What running an agent needs, in a conversation or in a project step. */
export interface AgentRuntimeDeps {
  agentsDir: string;
  llm: LlmProvider;
  usage: UsageSink;
}

export interface AgentTaskContext {
  usage: UsageContext;
  /** Who delegated the task (shown to the agent). */
  delegatedBy: string;
  /** Results of earlier steps, read only when the agent uses them (function agents): they can be large. */
  priorResults?: () => Promise<PriorResult[]>;
}

export interface ExecutionDone {
  kind: 'done';
  text: string;
  /** `text` in its pieces (the header, then the agent's body, itself in pieces or not): stored without joining them. */
  parts: readonly string[];
  work: DelegationInfo['kind'];
  /**
   * Whether `text` already reached the caller's stream while it was produced (a language model's
   * answer). Otherwise it is finished text the caller sends once the agent is released: showing a
   * result to a person is not the agent's work and must not hold its slot.
   */
  streamed: boolean;
  data?: unknown;
  /** The validated input a function agent ran with: a follow-up changes it and runs again. */
  input?: Record<string, unknown>;
}

export type ExecutionOutcome =
  | ExecutionDone
  /** A function agent needs more input (`missing` fields): ask, and complete the task with the next message. */
  | { kind: 'needs_input'; question: string; missing: string[] };

/**
 * A task in words, or — a follow-up to a function agent — its input already built (the words are
 * what other agents get if the task falls back to them).
 */
export type AgentTask = string | { text: string; input: Record<string, unknown> };

/**
 * A finished task's text, joined on first read: a project step stores the pieces and never reads
 * `text`, so a large result is never copied whole (a conversation reads it; its replies are small).
 */
function doneWith(
  parts: readonly string[],
  work: DelegationInfo['kind'],
  data?: unknown,
  input?: Record<string, unknown>,
): ExecutionDone {
  let text: string | undefined;
  // Never spread this object: spreading reads the getter.
  return {
    kind: 'done',
    get text() {
      return (text ??= parts.join(''));
    },
    parts,
    work,
    streamed: work === 'context_llm',
    ...(data !== undefined ? { data } : {}),
    ...(input !== undefined ? { input } : {}),
  };
}

/** Function modules by the agent as the registry loaded it (a changed index.ts comes with a new one). */
const modules = new WeakMap<LoadedAgent, { agentsDir: string; module: FunctionAgentModule }>();

/**
 * The agent's module, read from disk once per registry load of the agent rather than checked on
 * disk before every step (the registry's watcher reloads an agent whose files change).
 */
export async function functionModule(agentsDir: string, agent: LoadedAgent): Promise<FunctionAgentModule> {
  const known = modules.get(agent);
  if (known?.agentsDir === agentsDir) return known.module;
  const module = await loadFunctionAgent(path.join(agentsDir, agent.sourcePath));
  modules.set(agent, { agentsDir, module });
  return module;
}

/**
 * Runs a delegated task on one agent: function agents compute, context agents answer through the
 * configured LLM with their Context.md (streamed as the model writes it: that is the work), and
 * offline a context agent yields a clearly marked draft brief instead of pretending to write.
 * Computed text comes back whole and unsent (`streamed: false`), so the caller can release the
 * agent before sending it.
 */
export async function executeAgent(
  deps: AgentRuntimeDeps,
  config: LangGraphRunnableConfig,
  agent: LoadedAgent,
  task: AgentTask,
  context: AgentTaskContext,
): Promise<ExecutionOutcome> {
  const text = typeof task === 'string' ? task : task.text;
  const header = `**${agent.definition.title}** (\`${agent.definition.name}\`):\n\n`;
  if (agent.definition.type === 'function') {
    const module = await functionModule(deps.agentsDir, agent);
    const functionTask: FunctionTask = typeof task === 'string' ? task : { input: task.input };
    const result = await runFunctionAgent(module, functionTask, {
      now: new Date(),
      priorResults: await context.priorResults?.(),
    });
    if (result.kind === 'needs_input')
      return { kind: 'needs_input', question: result.question, missing: result.missing };
    const pieces = typeof result.markdown === 'string' ? [result.markdown] : result.markdown;
    return doneWith([header, ...pieces], 'function', result.data, result.input as Record<string, unknown>);
  }
  if (deps.llm.chatModel) {
    emitDelta(config, header);
    const body = await streamCompletion(
      deps,
      config,
      [new SystemMessage(agentSystemPrompt(agent, context.delegatedBy)), new HumanMessage(text)],
      agent.definition.name,
      context.usage,
    );
    return doneWith([header, body], 'context_llm');
  }
  return doneWith([offlineDraft(agent, text)], 'offline_draft');
}
