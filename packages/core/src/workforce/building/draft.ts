import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { extractJson, messageText } from '../../llm/messages.js';
import type { LlmProvider } from '../../llm/provider.js';
import { usageOf, type UsageContext, type UsageSink } from '../../llm/usage.js';
import { checkContextMd } from '../../registry/context-safety.js';
import { redactedMessage } from '../../security/redact.js';
import { definitionOf, draftFromTemplate, functionFiles } from './offline-drafter.js';
import { draftSystemPrompt, draftUserPrompt, LlmDraftSchema, repairPrompt, type LlmDraft } from './prompts.js';
import { CONTEXT_SECTIONS, templateById } from './templates.js';
import type { AgentSpec, DraftResult } from './types.js';

export interface DraftDeps {
  llm: LlmProvider;
  usage: UsageSink;
}

class BadDraftError extends Error {
  override name = 'BadDraftError';
}

/** The schema, the required sections and the content safety checks. */
export function checkLlmDraft(value: unknown): LlmDraft {
  const parsed = LlmDraftSchema.safeParse(value);
  if (!parsed.success)
    throw new BadDraftError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const headings = new Set([...parsed.data.contextMd.matchAll(/^##\s+(.+?)\s*$/gm)].map((m) => m[1]!.toLowerCase()));
  const missing = CONTEXT_SECTIONS.filter((s) => !headings.has(s.toLowerCase()));
  if (missing.length > 0)
    throw new BadDraftError(`contextMd: missing the section(s) ${missing.map((s) => `"## ${s}"`).join(', ')}`);
  const safety = checkContextMd(parsed.data.contextMd);
  if (safety.errors.length > 0) throw new BadDraftError(`contextMd: ${safety.errors.join('; ')}`);
  return parsed.data;
}

/**
 * Drafts the agent's files. With a chat model: one structured answer, validated, sent back
 * once with the problem if it is malformed (repair); if it still fails — or the provider
 * errors — the template drafter takes over and the notes say why. Offline: the template.
 */
export async function draftAgent(deps: DraftDeps, spec: AgentSpec, usage: UsageContext): Promise<DraftResult> {
  const templateName = templateById(spec.template).name.toLowerCase();
  const model = deps.llm.chatModel;
  if (!model) {
    // No note: `source: 'template'` with the offline model is what says it was drafted offline (the
    // chat's one offline notice, the approval's summary); notes say why a model's draft was not used.
    return { draft: draftFromTemplate(spec), source: 'template', notes: [] };
  }
  const messages: BaseMessage[] = [new SystemMessage(draftSystemPrompt()), new HumanMessage(draftUserPrompt(spec))];
  let lastProblem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    let raw = '';
    try {
      const started = Date.now();
      const reply = await model.invoke(messages);
      raw = messageText(reply);
      await deps.usage.record(usage, usageOf(deps.llm.info, reply as AIMessage, started, 'agent_builder'));
      const out = checkLlmDraft(extractJson(raw, (problem) => new BadDraftError(problem)));
      const draft = {
        definition: definitionOf(spec, {
          title: out.title,
          description: out.description,
          keywords: out.keywords.length ? out.keywords : spec.keywords,
        }),
        contextMd: out.contextMd.trim() + '\n',
        ...functionFiles(spec),
      };
      return {
        draft,
        source: 'llm',
        notes:
          attempt > 1 ? [`The model's first draft was malformed (${lastProblem}); its repaired draft was used.`] : [],
      };
    } catch (err) {
      const e = err as Error;
      // Kept in the build's notes and checkpoint: a provider's error can echo the API key.
      lastProblem = redactedMessage(e);
      // Only a malformed answer is worth one repair; a provider error goes straight to the template.
      if (e.name !== 'BadDraftError') break;
      messages.push(new AIMessage(raw || '(empty)'), new HumanMessage(repairPrompt(e.message)));
    }
  }
  return {
    draft: draftFromTemplate(spec),
    source: 'template',
    notes: [`The model's draft could not be used (${lastProblem}): drafted from the ${templateName} template instead.`],
  };
}
