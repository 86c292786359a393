import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { IntentResult } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScriptedChatModel, type ScriptedTurn } from '../llm/scripted.js';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { SHIPPED_AGENTS_DIR } from '../testing/fixtures.js';
import { classifyLlmError, createLlmIntentClassifier, type IntentLlmError } from './llm.js';
import type { IntentClassifier, IntentInput } from './types.js';

const GOOD = {
  intent: 'DELEGATE',
  confidence: 0.92,
  department: 'engineering',
  agent: 'code_reviewer',
  capabilityGap: false,
  scope: 'task',
  horizon: 'short_term',
  clarifyingQuestion: null,
};

const FALLBACK_RESULT: IntentResult = {
  ...GOOD,
  intent: 'CLARIFY',
  agent: null,
  department: null,
  clarifyingQuestion: 'Which PR?',
  confidence: 0.5,
  scope: null,
  horizon: null,
  source: 'offline',
} as IntentResult;

/** A fallback that records that it was asked. */
function recordingFallback(): IntentClassifier & { calls: IntentInput[] } {
  const calls: IntentInput[] = [];
  return { calls, classify: async (input) => (calls.push(input), FALLBACK_RESULT) };
}

/** A scripted model that answers through tool calls, as OpenAI/Anthropic models do for withStructuredOutput. */
class ToolCallingScriptedModel extends ScriptedChatModel {
  override bindTools(): this {
    return this;
  }

  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const result = await super._generate(messages);
    const text = result.generations[0]!.text;
    let args: Record<string, unknown> | undefined;
    try {
      args = JSON.parse(text) as Record<string, unknown>;
    } catch {
      args = undefined;
    }
    const message = args
      ? new AIMessage({ content: '', tool_calls: [{ name: 'classify_intent', args, id: 'call_1', type: 'tool_call' }] })
      : new AIMessage(text);
    return { generations: [{ text: args ? '' : text, message }] };
  }
}

let registry: AgentRegistry;
const input: IntentInput = { text: 'Can someone review PR 4411 for race conditions?', history: [] };

beforeAll(async () => {
  registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
});

function setup(script: ScriptedTurn[], options: { timeoutMs?: number; model?: BaseChatModel } = {}) {
  const model = options.model ?? new ScriptedChatModel(script);
  const fallback = recordingFallback();
  const errors: IntentLlmError[] = [];
  const classifier = createLlmIntentClassifier(model, registry, {
    fallback,
    timeoutMs: options.timeoutMs ?? 1000,
    onFallback: (e) => errors.push(e),
  });
  return { model, fallback, errors, classifier };
}

const promptText = (messages: BaseMessage[]) => messages.map((m) => String(m.content)).join('\n');

describe('createLlmIntentClassifier', () => {
  it('should return the model answer, validated, with source llm', async () => {
    const { classifier, fallback, model } = setup([JSON.stringify(GOOD)]);
    const result = await classifier.classify(input);
    expect(result).toEqual({ ...GOOD, source: 'llm' });
    expect(fallback.calls).toHaveLength(0);
    const prompt = promptText((model as ScriptedChatModel).prompts[0]!);
    // The prompt lists the roster and the intent definitions.
    expect(prompt).toContain('code_reviewer');
    expect(prompt).toContain('BUILD_AGENT');
    expect(prompt).toContain(input.text);
  });

  it('should accept JSON wrapped in a code fence and prose', async () => {
    const { classifier } = setup([`Sure!\n\`\`\`json\n${JSON.stringify(GOOD)}\n\`\`\``]);
    expect((await classifier.classify(input)).source).toBe('llm');
  });

  it('should repair a malformed answer by sending the validation error back once', async () => {
    const bad = { ...GOOD, intent: 'DELEGATE_TASK', agent: 'code_reviewer' };
    const { classifier, model, fallback } = setup([JSON.stringify(bad), JSON.stringify(GOOD)]);
    const result = await classifier.classify(input);
    expect(result).toMatchObject({ intent: 'DELEGATE', source: 'llm' });
    expect(fallback.calls).toHaveLength(0);
    const second = (model as ScriptedChatModel).prompts[1]!;
    expect(second.at(-2)?.content).toBe(JSON.stringify(bad));
    expect(String(second.at(-1)?.content)).toMatch(/not valid: intent:/);
  });

  it('should send an agent that is not in the roster back for repair', async () => {
    const { classifier, model } = setup([JSON.stringify({ ...GOOD, agent: 'security_wizard' }), JSON.stringify(GOOD)]);
    expect((await classifier.classify(input)).agent).toBe('code_reviewer');
    expect(String((model as ScriptedChatModel).prompts[1]!.at(-1)?.content)).toContain(
      '"security_wizard" is not in the roster',
    );
  });

  it('should fall back with llm/bad_output when the answer is still malformed after the repair', async () => {
    const { classifier, fallback, errors } = setup(['I think this is a delegation.', '{"intent": "DELEGATE"']);
    const result = await classifier.classify(input);
    expect(result).toBe(FALLBACK_RESULT);
    expect(fallback.calls).toEqual([input]);
    expect(errors).toEqual([expect.objectContaining({ code: 'llm/bad_output', attempts: 2 })]);
  });

  it('should fall back with llm/timeout when the model does not answer in time, without retrying', async () => {
    const { classifier, fallback, errors, model } = setup([{ content: JSON.stringify(GOOD), delayMs: 500 }], {
      timeoutMs: 50,
    });
    const result = await classifier.classify(input);
    expect(result).toBe(FALLBACK_RESULT);
    expect(fallback.calls).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ code: 'llm/timeout', attempts: 1 })]);
    expect((model as ScriptedChatModel).prompts).toHaveLength(1);
  });

  it('should classify provider errors and never throw', async () => {
    const rateLimited = Object.assign(new Error('Rate limit reached for requests'), { status: 429 });
    const { classifier, errors } = setup([rateLimited]);
    await expect(classifier.classify(input)).resolves.toBe(FALLBACK_RESULT);
    expect(errors[0]!.code).toBe('llm/rate_limited');
  });

  it('should still answer (CLARIFY) when the fallback itself fails', async () => {
    const model = new ScriptedChatModel([new Error('fetch failed')]);
    const broken: IntentClassifier = { classify: async () => Promise.reject(new Error('boom')) };
    const classifier = createLlmIntentClassifier(model, registry, { fallback: broken });
    const result = await classifier.classify(input);
    expect(result).toMatchObject({ intent: 'CLARIFY', source: 'offline' });
    expect(result.clarifyingQuestion).toBeTruthy();
  });

  it('should use withStructuredOutput (tool calling) when the model supports it, and repair through it', async () => {
    const model = new ToolCallingScriptedModel([JSON.stringify({ ...GOOD, confidence: 7 }), JSON.stringify(GOOD)]);
    const { classifier, fallback } = setup([], { model });
    const result = await classifier.classify(input);
    expect(result).toEqual({ ...GOOD, source: 'llm' });
    expect(fallback.calls).toHaveLength(0);
    expect(String(model.prompts[1]!.at(-1)?.content)).toMatch(/confidence/);
  });
});

describe('classifyLlmError', () => {
  it.each([
    [Object.assign(new Error('x'), { name: 'TimeoutError' }), 'llm/timeout'],
    [new Error('Request was aborted'), 'llm/timeout'],
    [Object.assign(new Error('busy'), { status: 503 }), 'llm/unavailable'],
    [new Error('connect ECONNREFUSED 127.0.0.1:11434'), 'llm/unavailable'],
    [new Error('something odd'), 'llm/error'],
  ])('should classify %s as %s', (err, code) => {
    expect(classifyLlmError(err, 1).code).toBe(code);
  });
});
