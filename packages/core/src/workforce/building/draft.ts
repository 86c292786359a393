import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { LlmProvider } from '../../llm/provider.js';
import type { UsageContext, UsageSink } from '../../llm/usage.js';
import { redactedMessage } from '../../security/redact.js';
import { checkContextMd } from '../context-safety.js';
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

const textOf = (m: BaseMessage): string =>
  typeof m.content === 'string'
    ? m.content
    : m.content.map((c) => ('text' in c && typeof c.text === 'string' ? c.text : '')).join('');

function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new BadDraftError('the reply contains no JSON object');
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch (err) {
    throw new BadDraftError(`the reply is not valid JSON (${(err as Error).message})`);
  }
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
    return {
      draft: draftFromTemplate(spec),
      source: 'template',
      notes: [`No language model is configured: drafted offline from the ${templateName} template.`],
    };
  }
  const messages: BaseMessage[] = [new SystemMessage(draftSystemPrompt()), new HumanMessage(draftUserPrompt(spec))];
  let lastProblem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    let raw = '';
    try {
      const started = Date.now();
      const reply = await model.invoke(messages);
      raw = textOf(reply);
      const u = (reply as AIMessage).usage_metadata;
      await deps.usage.record(usage, {
        provider: deps.llm.info.provider,
        model: deps.llm.info.model,
        promptTokens: u?.input_tokens ?? 0,
        completionTokens: u?.output_tokens ?? 0,
        durationMs: Date.now() - started,
        agentName: 'agent_builder',
      });
      const out = checkLlmDraft(extractJson(raw));
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
