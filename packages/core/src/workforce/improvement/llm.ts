import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { CONTEXT_MD_MAX_BYTES } from '@orchestrator/contracts';
import { jsonAsker } from '../../llm/messages.js';
import { checkContextMd } from '../../registry/context-safety.js';
import {
  improverRepairPrompt,
  improverUserPrompt,
  IMPROVER_SYSTEM_PROMPT,
  LlmProposalSchema,
  type LlmProposal,
} from './prompts.js';
import type { ProposeInput } from './types.js';

/** A reply that cannot be used as it is: shown back to the model once (repair). */
class BadProposalError extends Error {
  override readonly name = 'BadProposalError';
}

export type LlmProposeResult = { ok: true; proposal: LlmProposal } | { ok: false; error: string };

/** Schema plus what makes a Context.md usable: size, safe text, a real change, the title kept. */
function validate(value: unknown, input: ProposeInput): LlmProposal {
  const parsed = LlmProposalSchema.safeParse(value);
  if (!parsed.success)
    throw new BadProposalError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  const contextMd = parsed.data.contextMd.replace(/\r\n/g, '\n');
  if (contextMd.length > CONTEXT_MD_MAX_BYTES)
    throw new BadProposalError(`contextMd: ${contextMd.length} characters; the limit is ${CONTEXT_MD_MAX_BYTES}`);
  const check = checkContextMd(contextMd);
  if (check.errors.length) throw new BadProposalError(`contextMd: ${check.errors.join('; ')}`);
  if (contextMd.trim() === input.agent.contextMd.trim())
    throw new BadProposalError('contextMd is identical to the current version: change what the feedback asks for');
  const title = input.agent.contextMd.split('\n').find((l) => /^#\s/.test(l));
  if (title && !contextMd.split('\n').some((l) => l.trim() === title.trim()))
    throw new BadProposalError(
      `contextMd must keep the title line “${title.trim()}” and return the whole file, not a fragment`,
    );
  return { contextMd: contextMd.endsWith('\n') ? contextMd : `${contextMd}\n`, reason: parsed.data.reason.trim() };
}

/**
 * Asks the model for a revised Context.md. Models with tool calling answer through
 * `withStructuredOutput`; others as JSON text. A malformed or unusable answer is sent back once
 * with the problem (one repair); after that — or on a provider error — the caller falls back to
 * the offline improver. Never throws.
 */
export async function proposeWithLlm(
  model: BaseChatModel,
  input: ProposeInput,
  options: { timeoutMs?: number } = {},
): Promise<LlmProposeResult> {
  const ask = jsonAsker(model, LlmProposalSchema, 'propose_context_change', (problem) => new BadProposalError(problem));
  const messages: BaseMessage[] = [
    new SystemMessage(IMPROVER_SYSTEM_PROMPT),
    new HumanMessage(improverUserPrompt(input)),
  ];
  for (let attempt = 1; ; attempt++) {
    let raw = '';
    try {
      const answer = await ask(messages, AbortSignal.timeout(options.timeoutMs ?? 60_000));
      raw = answer.raw;
      return { ok: true, proposal: validate(answer.value(), input) };
    } catch (err) {
      const e = err as Error;
      if (e?.name !== 'BadProposalError' || attempt > 1) return { ok: false, error: e?.message ?? String(err) };
      messages.push(new AIMessage(raw || '(empty)'), new HumanMessage(improverRepairPrompt(e.message)));
    }
  }
}
