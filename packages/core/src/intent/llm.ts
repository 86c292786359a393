import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { IntentResult } from '@orchestrator/contracts';
import type { z } from 'zod';
import { jsonAsker } from '../llm/messages.js';
import type { AgentRegistry } from '../registry/registry.js';
import { LlmIntentOutputSchema, repairPrompt, systemPrompt, userPrompt } from './llm-prompt.js';
import type { IntentClassifier, IntentInput } from './types.js';

export type IntentLlmErrorCode =
  'llm/bad_output' | 'llm/timeout' | 'llm/rate_limited' | 'llm/unavailable' | 'llm/error';

/** Why the LLM path gave up and the fallback answered. */
export interface IntentLlmError {
  code: IntentLlmErrorCode;
  message: string;
  /** Model calls made before giving up. */
  attempts: number;
}

export interface LlmClassifierOptions {
  /** Answers when the model fails (normally the offline classifier). */
  fallback: IntentClassifier;
  /** Repair attempts after a malformed answer (default 1). */
  retries?: number;
  /** Per model call (default 20 s). */
  timeoutMs?: number;
  /** Told about every fallback, with the classified error. */
  onFallback?: (error: IntentLlmError, input: IntentInput) => void;
}

type LlmOutput = z.infer<typeof LlmIntentOutputSchema>;

const LAST_RESORT: IntentResult = {
  intent: 'CLARIFY',
  confidence: 0,
  department: null,
  agent: null,
  capabilityGap: false,
  scope: null,
  horizon: null,
  clarifyingQuestion:
    'Sorry, I could not work out what you need just now. Could you say it again in a sentence, naming the task and the team?',
  source: 'offline',
};

class TimeoutError extends Error {
  override name = 'TimeoutError';
}
class BadOutputError extends Error {
  override name = 'BadOutputError';
}

/** Classified by name, status and message, never by `instanceof` (errors cross packages). */
export function classifyLlmError(err: unknown, attempts: number): IntentLlmError {
  const e = err as { name?: string; message?: string; status?: number } | null;
  const text = `${e?.name ?? ''} ${e?.message ?? String(err)}`.toLowerCase();
  const message = e?.message ?? String(err);
  if (e?.name === 'BadOutputError') return { code: 'llm/bad_output', message, attempts };
  if (e?.name === 'TimeoutError' || text.includes('abort') || text.includes('timed out') || text.includes('timeout'))
    return { code: 'llm/timeout', message, attempts };
  if (e?.status === 429 || text.includes('rate limit')) return { code: 'llm/rate_limited', message, attempts };
  if (
    text.includes('econnrefused') ||
    text.includes('fetch failed') ||
    text.includes('enotfound') ||
    (e?.status !== undefined && e.status >= 500)
  ) {
    return { code: 'llm/unavailable', message, attempts };
  }
  return { code: 'llm/error', message, attempts };
}

/** Schema check plus what only the registry knows: the agent and department must exist. */
function validate(value: unknown, registry: AgentRegistry): LlmOutput {
  const parsed = LlmIntentOutputSchema.safeParse(value);
  if (!parsed.success)
    throw new BadOutputError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  const out = parsed.data;
  if (out.agent !== null && !registry.get(out.agent))
    throw new BadOutputError(`agent: "${out.agent}" is not in the roster`);
  const departments = registry.departments();
  if (
    out.department !== null &&
    out.department !== 'cross' &&
    !departments.includes(out.department) &&
    !/^new:[a-z][a-z0-9_]*$/.test(out.department)
  ) {
    throw new BadOutputError(
      `department: "${out.department}" must be one of ${departments.join(', ')}, cross, or new:<area>`,
    );
  }
  if (out.intent === 'CLARIFY' && !out.clarifyingQuestion?.trim())
    throw new BadOutputError('clarifyingQuestion: required when intent is CLARIFY');
  return out;
}

async function withTimeout<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TimeoutError(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Intent recognition by a chat model. Models that support tool calling answer through
 * `withStructuredOutput` (the zod schema becomes the tool's parameters); others are asked for
 * JSON text. Either way the answer is validated with the same zod schema and the registry; a
 * malformed answer is sent back once with the validation error (repair), and after that — or on
 * a timeout or provider error — the fallback classifier answers. Nothing is thrown.
 */
export function createLlmIntentClassifier(
  model: BaseChatModel,
  registry: AgentRegistry,
  options: LlmClassifierOptions,
): IntentClassifier {
  const retries = options.retries ?? 1;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const ask = jsonAsker(model, LlmIntentOutputSchema, 'classify_intent', (problem) => new BadOutputError(problem));

  async function classify(input: IntentInput): Promise<IntentResult> {
    const messages: BaseMessage[] = [new SystemMessage(systemPrompt(registry)), new HumanMessage(userPrompt(input))];
    let attempts = 0;
    for (;;) {
      attempts++;
      let raw = '';
      try {
        const answer = await withTimeout(timeoutMs, (signal) => ask(messages, signal));
        raw = answer.raw;
        return { ...validate(answer.value(), registry), source: 'llm' };
      } catch (err) {
        const error = classifyLlmError(err, attempts);
        if (error.code !== 'llm/bad_output' || attempts > retries) {
          options.onFallback?.(error, input);
          return options.fallback.classify(input);
        }
        messages.push(new AIMessage(raw || '(empty)'), new HumanMessage(repairPrompt(error.message)));
      }
    }
  }

  return {
    classify: async (input) => {
      try {
        return await classify(input);
      } catch (err) {
        // Even the fallback failed: still never throw into the graph; ask the user instead.
        options.onFallback?.(classifyLlmError(err, 0), input);
        return LAST_RESORT;
      }
    },
  };
}
