import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { Message } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IntentClassifier } from '../intent/index.js';
import type { LlmProvider } from '../llm/provider.js';
import { ScriptedChatModel } from '../llm/scripted.js';
import { MAX_RECOVERIES } from './facade.js';
import type { PendingReply } from './ports.js';
import {
  loadShippedWorkforce,
  orchestratorHarness as harnessFor,
  type HarnessOptions,
  type Workforce,
} from '../testing/facade-harness.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const harness = (llm?: LlmProvider, options?: HarnessOptions) => harnessFor(workforce, llm, options);

/** A classifier that always sees a question for the orchestrator itself. */
const directResponse: IntentClassifier = {
  classify: async () => ({
    intent: 'DIRECT_RESPONSE',
    confidence: 0.9,
    department: null,
    agent: null,
    capabilityGap: false,
    scope: null,
    horizon: null,
    clarifyingQuestion: null,
    source: 'offline',
  }),
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
    const model = new ScriptedChatModel([
      { content: 'Our quarterly priorities are hiring and launch.', inputTokens: 120, outputTokens: 9 },
    ]);
    const h = harness(
      { info: { provider: 'scripted', model: 'script-1', offline: false }, chatModel: model },
      { intents: directResponse },
    );
    const { reply } = await h.send(randomUUID(), 'Summarise our priorities for this quarter in one line.');
    expect(reply.content).toBe('Our quarterly priorities are hiring and launch.');
    expect(reply.metadata).toMatchObject({ offline: false, model: 'scripted/script-1' });
    expect(h.deltas.map((d) => d.delta).join('')).toBe(reply.content);
    expect(h.usage).toEqual([
      expect.objectContaining({
        promptTokens: 120,
        completionTokens: 9,
        provider: 'scripted',
        agentName: 'ceo_orchestrator',
      }),
    ]);
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
    const h = harness(
      { info: { provider: 'scripted', model: 'm', offline: false }, chatModel: new ScriptedChatModel([failing]) },
      { intents: directResponse },
    );
    const { message, reply } = await h.send(randomUUID(), 'Write a haiku about our company values.');
    expect(message.content).toBe('Write a haiku about our company values.');
    expect(reply.role).toBe('system');
    expect(reply.metadata).toEqual({ error: 'llm/rate_limited', replyTo: message.id });
    expect(h.failures).toEqual([
      expect.objectContaining({ messageId: reply.id, error: expect.objectContaining({ code: 'llm/rate_limited' }) }),
    ]);
  });

  it('should time out a reply that takes too long and say so', async () => {
    const model = new ScriptedChatModel([{ content: 'too late', delayMs: 500 }]);
    const h = harness(
      { info: { provider: 'scripted', model: 'm', offline: false }, chatModel: model },
      { intents: directResponse },
    );
    (h.facade as unknown as { deps: { replyTimeoutMs: number } }).deps.replyTimeoutMs = 50;
    const { message, reply } = await h.send(randomUUID(), 'Tell me a long story about our history.');
    expect(reply.metadata).toEqual({ error: 'llm/timeout', replyTo: message.id });
  });

  it('should answer messages of one conversation in order when sent concurrently', async () => {
    const h = harness();
    const id = randomUUID();
    const [a, b] = await Promise.all([h.send(id, 'Who reports to the CFO?'), h.send(id, 'Which agents are in hr?')]);
    expect(a.reply.content).toContain('finance_manager_orchestrator');
    expect(b.reply.content).toContain('recruiter');
  });
});

/** The pending reply of a stored user message, as the API's store hands it back. */
const pendingOf = (workspaceId: string, message: Message, recoveries: number): PendingReply => ({
  workspaceId,
  conversationId: message.conversationId,
  userId: null,
  messageId: message.id,
  content: message.content,
  replyId: randomUUID(),
  recoveries,
});

const dieOnFirstDelta = () => {
  throw new Error('the process died');
};

describe('resuming a pending reply', () => {
  it('should continue from the checkpoint without planning again when the process died while the reply streamed', async () => {
    const checkpointer = new MemorySaver();
    const dead = harness(undefined, { checkpointer, onDelta: dieOnFirstDelta });
    const conversationId = randomUUID();
    const { message } = await dead.send(conversationId, 'Plan a product launch campaign for our new mobile app');
    expect(dead.projects.plans.size).toBe(1);

    const next = harness(undefined, { checkpointer });
    const reply = await next.facade.resume(pendingOf(dead.workspaceId, message, 1));
    expect(reply.role).toBe('assistant');
    expect(reply.metadata).toMatchObject({
      intent: 'CREATE_PROJECT',
      replyTo: message.id,
      project: { id: [...dead.projects.plans.keys()][0] },
    });
    // The plan stored before the crash is the one presented; none was made again.
    expect(next.projects.plans.size).toBe(0);
    expect(next.deltas.map((d) => d.delta).join('')).toBe(reply.content);
    expect(next.stored.filter((m) => m.role === 'user')).toEqual([]);
  });

  it('should answer a message the graph never saw and keep the conversation memory when resumed', async () => {
    const checkpointer = new MemorySaver();
    const h = harness(undefined, { checkpointer });
    const conversationId = randomUUID();
    await h.send(conversationId, 'Who reports to the CMO?');
    // Stored, then the process died before the graph started on it.
    const message = await h.facade['deps'].messages.append({
      workspaceId: h.workspaceId,
      conversationId,
      role: 'user',
      content: 'and the CTO?',
    });
    const reply = await harness(undefined, { checkpointer }).facade.resume(pendingOf(h.workspaceId, message, 1));
    expect(reply.content).toContain('engineering_manager_orchestrator');
    expect(reply.metadata.replyTo).toBe(message.id);
  });

  it('should answer a failed message on retry without storing it again', async () => {
    const failing = Object.assign(new Error('Request failed with status 429: rate limit exceeded'), { status: 429 });
    const model = new ScriptedChatModel([failing, 'Values: candour, care and craft.']);
    const h = harness(
      { info: { provider: 'scripted', model: 'm', offline: false }, chatModel: model },
      {
        intents: directResponse,
      },
    );
    const conversationId = randomUUID();
    const { message, reply: notice } = await h.send(conversationId, 'Write a haiku about our company values.');
    expect(notice.metadata).toMatchObject({ error: 'llm/rate_limited', replyTo: message.id });
    const reply = await h.facade.resume(pendingOf(h.workspaceId, message, 0));
    expect(reply).toMatchObject({ role: 'assistant', content: 'Values: candour, care and craft.' });
    expect(reply.metadata.replyTo).toBe(message.id);
    expect(h.stored.filter((m) => m.role === 'user')).toHaveLength(1);
    // The retried turn is the one the model saw, once: the graph memory holds the message once.
    expect(model.prompts[1]!.filter((m) => m.getType() === 'human').map((m) => m.content)).toEqual([
      'Write a haiku about our company values.',
    ]);
  });

  it('should post a retryable notice instead of trying again when the process died on it too often', async () => {
    const h = harness();
    const conversationId = randomUUID();
    const { message } = await h.send(conversationId, 'Who reports to the CFO?');
    const notice = await h.facade.resume(pendingOf(h.workspaceId, message, MAX_RECOVERIES + 1));
    expect(notice).toMatchObject({
      role: 'system',
      metadata: { error: 'orchestrator/interrupted', replyTo: message.id },
    });
    expect(h.failures.at(-1)).toMatchObject({ messageId: notice.id, error: { code: 'orchestrator/interrupted' } });
  });
});
