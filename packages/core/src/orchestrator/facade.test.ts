import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { MessageDelta, ReplyFailed } from '@orchestrator/contracts';
import { createOfflineIntentClassifier, type IntentClassifier } from '../intent/index.js';
import { CapabilityIndex } from '../routing/capability-index.js';
import { memoryLoads, recordingDelegations, recordingMessages, recordingProjects } from '../testing/ports.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_PROVIDER, type LlmProvider } from '../llm/provider.js';
import { ScriptedChatModel } from '../llm/scripted.js';
import type { LlmUsage } from '../llm/usage.js';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../testing/fixtures.js';
import { OrchestratorFacade } from './facade.js';
import type { NewMessage } from './ports.js';

let registry: AgentRegistry;
let index: CapabilityIndex;
beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
  index = new CapabilityIndex(registry);
});

/** Drives the facade over recording ports (the Postgres adapters are covered by the API's integration tests). */
function harness(llm: LlmProvider = OFFLINE_PROVIDER, options: { full?: string[]; intents?: IntentClassifier } = {}) {
  const messages = recordingMessages();
  const projects = recordingProjects();
  const delegations = recordingDelegations();
  const deltas: MessageDelta[] = [];
  const failures: ReplyFailed[] = [];
  const usage: LlmUsage[] = [];
  const order: string[] = [];
  const facade = new OrchestratorFacade({
    registry: () => registry,
    index: () => index,
    agentsDir: SHIPPED_AGENTS_DIR,
    llm,
    intents: options.intents ?? createOfflineIntentClassifier(registry, index),
    projects,
    delegations,
    loads: memoryLoads(registry, options.full),
    chunkDelayMs: 0,
    checkpointer: new MemorySaver(),
    usage: { record: async (_ctx, u) => void usage.push(u) },
    messages: {
      append: async (m: NewMessage) => {
        order.push(`stored:${m.role}`);
        return messages.append(m);
      },
    },
    events: {
      messageCreated: (_w, m) => order.push(`created:${m.role}`),
      replyStarted: () => order.push('started'),
      delta: (_w, d) => void deltas.push(d),
      replyFailed: (_w, f) => void failures.push(f),
    },
  });
  const send = (conversationId: string, content: string) => facade.handleUserMessage({ workspaceId: randomUUID(), conversationId, userId: null, content });
  return { facade, stored: messages.stored, projects, delegations, deltas, failures, usage, order, send };
}

/** A classifier that always sees a question for the orchestrator itself. */
const directResponse: IntentClassifier = {
  classify: async () => ({ intent: 'DIRECT_RESPONSE', confidence: 0.9, department: null, agent: null, capabilityGap: false, scope: null, horizon: null, clarifyingQuestion: null, source: 'offline' }),
};

describe('OrchestratorFacade', () => {
  it('should store the message, stream the org answer in chunks and store the reply with the streamed id', async () => {
    const h = harness();
    const { message, reply } = await h.send(randomUUID(), 'Who reports to the CFO?');
    expect(message.role).toBe('user');
    expect(reply.role).toBe('assistant');
    expect(reply.content).toContain('finance_manager_orchestrator');
    expect(reply.metadata).toMatchObject({ intent: 'DIRECT_RESPONSE', offline: true });
    expect(h.deltas.length).toBeGreaterThan(3);
    expect(h.deltas.map((d) => d.delta).join('')).toBe(reply.content);
    expect(new Set(h.deltas.map((d) => d.messageId))).toEqual(new Set([reply.id]));
    expect(h.deltas.map((d) => d.index)).toEqual(h.deltas.map((_, i) => i));
    expect(h.order).toEqual(['stored:user', 'created:user', 'started', 'stored:assistant', 'created:assistant']);
  });

  it('should ask a clarifying question offline when it cannot act', async () => {
    const h = harness();
    const { reply } = await h.send(randomUUID(), 'Please send it to them by Friday.');
    expect(reply.metadata.intent).toBe('CLARIFY');
    expect(reply.content).toMatch(/\?/);
  });

  it('should remember the conversation across turns on the same thread', async () => {
    const h = harness();
    const id = randomUUID();
    await h.send(id, 'Who reports to the CMO?');
    const { reply } = await h.send(id, 'and the CTO?');
    expect(reply.content).toContain('engineering_manager_orchestrator');
  });

  it('should answer open questions with the LLM, stream its tokens and record usage', async () => {
    const model = new ScriptedChatModel([{ content: 'Our quarterly priorities are hiring and launch.', inputTokens: 120, outputTokens: 9 }]);
    const h = harness({ info: { provider: 'scripted', model: 'script-1', offline: false }, chatModel: model }, { intents: directResponse });
    const { reply } = await h.send(randomUUID(), 'Summarise our priorities for this quarter in one line.');
    expect(reply.content).toBe('Our quarterly priorities are hiring and launch.');
    expect(reply.metadata).toMatchObject({ offline: false, model: 'scripted/script-1' });
    expect(h.deltas.map((d) => d.delta).join('')).toBe(reply.content);
    expect(h.usage).toEqual([expect.objectContaining({ promptTokens: 120, completionTokens: 9, provider: 'scripted', agentName: 'ceo_orchestrator' })]);
    // The system prompt carries the real organisation.
    expect(String(model.prompts[0]![0]!.content)).toContain('finance_manager_orchestrator');
  });

  it('should still answer org questions from the registry when an LLM is configured', async () => {
    const model = new ScriptedChatModel([]);
    const h = harness({ info: { provider: 'scripted', model: 'script-1', offline: false }, chatModel: model });
    const { reply } = await h.send(randomUUID(), 'Who reports to the CFO?');
    expect(reply.content).toContain('finance_manager_orchestrator');
    expect(model.prompts).toHaveLength(0);
  });

  it('should keep the user message and store a classified notice when the LLM fails', async () => {
    const failing = Object.assign(new Error('Request failed with status 429: rate limit exceeded'), { status: 429 });
    const h = harness({ info: { provider: 'scripted', model: 'm', offline: false }, chatModel: new ScriptedChatModel([failing]) }, { intents: directResponse });
    const { message, reply } = await h.send(randomUUID(), 'Write a haiku about our company values.');
    expect(message.content).toBe('Write a haiku about our company values.');
    expect(reply.role).toBe('system');
    expect(reply.metadata).toEqual({ error: 'llm/rate_limited' });
    expect(h.failures).toEqual([expect.objectContaining({ messageId: reply.id, error: expect.objectContaining({ code: 'llm/rate_limited' }) })]);
  });

  it('should time out a reply that takes too long and say so', async () => {
    const model = new ScriptedChatModel([{ content: 'too late', delayMs: 500 }]);
    const h = harness({ info: { provider: 'scripted', model: 'm', offline: false }, chatModel: model }, { intents: directResponse });
    (h.facade as unknown as { deps: { replyTimeoutMs: number } }).deps.replyTimeoutMs = 50;
    const { reply } = await h.send(randomUUID(), 'Tell me a long story about our history.');
    expect(reply.metadata).toEqual({ error: 'llm/timeout' });
  });

  it('should answer messages of one conversation in order when sent concurrently', async () => {
    const h = harness();
    const id = randomUUID();
    const [a, b] = await Promise.all([h.send(id, 'Who reports to the CFO?'), h.send(id, 'Which agents are in hr?')]);
    expect(a.reply.content).toContain('finance_manager_orchestrator');
    expect(b.reply.content).toContain('recruiter');
  });
});
