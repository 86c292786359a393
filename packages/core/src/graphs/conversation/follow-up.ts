import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { functionModule } from '../../delegation/execute.js';
import { followUpQuestion, isEmptyReading, mergeFollowUp, readFollowUp } from '../../delegation/follow-up/index.js';
import { functionAgentContext, inputFields, schemaOf, type FunctionAgentModule } from '../../functions/index.js';
import { runContext, type ConversationGraphDeps } from './deps.js';
import type { ConversationStateType, FollowUp, FunctionRun } from './state.js';

/** A message that gives the agent everything it needs is a new task, not a change to the last one. */
async function standsAlone(module: FunctionAgentModule, text: string): Promise<boolean> {
  try {
    const parsed = await module.parseTask(text, functionAgentContext({ now: new Date() }));
    return 'input' in parsed && schemaOf(module).safeParse(parsed.input).success;
  } catch {
    // The module cannot read it as a task of its own: it may still be a change to the last one.
    return false;
  }
}

/**
 * The latest message as a follow-up to the previous reply's function run — or to the question a
 * follow-up led to: the last input with the message's changes, or the question for the values it
 * could not understand. Null when the message changes nothing there or is a complete new task.
 */
export async function readConversationFollowUp(
  deps: ConversationGraphDeps,
  state: ConversationStateType,
  text: string,
  config: LangGraphRunnableConfig,
): Promise<FollowUp | null> {
  const pending = state.pendingTask;
  const base: (FunctionRun & { expected?: string[] }) | null = pending?.input
    ? { agent: pending.agent, input: pending.input, expected: pending.fields ?? [] }
    : (state.replyInput ?? null);
  if (!base) return null;
  const agent = deps.registry().get(base.agent);
  if (agent?.definition.type !== 'function') return null;
  let module: FunctionAgentModule;
  try {
    module = await functionModule(deps.agentsDir, agent);
  } catch {
    // A module that no longer loads fails where it runs, with its error: not while reading.
    return null;
  }
  if (!base.expected && (await standsAlone(module, text))) return null;
  const fields = inputFields(schemaOf(module));
  const ctx = runContext(config);
  const reading = await readFollowUp(
    deps,
    { fields, previous: base.input, text, ...(base.expected ? { expected: base.expected } : {}) },
    { usage: { workspaceId: ctx.workspaceId, conversationId: ctx.conversationId }, signal: config.signal },
  );
  const ask = (unclear: string[]) => ({ fields: unclear, question: followUpQuestion(fields, unclear) });
  if (isEmptyReading(reading)) {
    // The agent asked for a value and the answer gives none it can use: ask again.
    return base.expected ? { agent: base.agent, input: base.input, ask: ask(base.expected) } : null;
  }
  const input = mergeFollowUp(fields, base.input, reading.values);
  return { agent: base.agent, input, ...(reading.unclear.length ? { ask: ask(reading.unclear) } : {}) };
}
