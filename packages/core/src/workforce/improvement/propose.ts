import type { LlmProvider } from '../../llm/provider.js';
import { redactSecrets } from '../../security/redact.js';
import { unifiedDiff } from '../diff.js';
import { proposeWithLlm } from './llm.js';
import { proposeOffline } from './offline.js';
import type { ImprovementProposal, ProposeInput } from './types.js';

/**
 * A revised Context.md for an agent, with the reason and the diff against the current version.
 * With a model configured the model rewrites the relevant part (structured output, one repair);
 * without one — or when the model's answer stays unusable — the offline improver merges the
 * feedback as rules into a "Guidance from feedback" section and says it was not a model.
 */
export async function proposeImprovement(llm: LlmProvider, input: ProposeInput): Promise<ImprovementProposal> {
  const base = { agentName: input.agent.name, baseVersion: input.agent.version };
  const diff = (contextMd: string) =>
    unifiedDiff('Context.md', input.agent.contextMd, contextMd, `version ${input.agent.version}`, 'proposed');
  let llmFailure: string | undefined;
  if (llm.chatModel) {
    const result = await proposeWithLlm(llm.chatModel, input);
    if (result.ok)
      return { ...base, ...result.proposal, diff: diff(result.proposal.contextMd), source: 'llm', changed: true };
    // Provider errors can echo the API key; the reason is stored and shown.
    llmFailure = redactSecrets(result.error);
  }
  const offline = proposeOffline(input);
  const reason = llmFailure
    ? `The model's proposal could not be used (${llmFailure}), so the offline improver made this one instead. ${offline.reason}`
    : offline.reason;
  return {
    ...base,
    contextMd: offline.contextMd,
    reason,
    diff: diff(offline.contextMd),
    source: 'offline',
    changed: offline.added.length > 0,
  };
}
