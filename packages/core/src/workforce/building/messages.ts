import type { AgentBuild } from '@orchestrator/contracts';
import { templateById } from './templates.js';
import type { AgentSpec } from './types.js';
import { OFFLINE_SAMPLES_NOTE } from './validate.js';

/** A message the chat shows as a build moves on. */
export interface BuildMessage {
  text: string;
  /**
   * True when the text opens with the build's one offline notice ("**Offline draft** — …"): the
   * draft was not written by a model. Stored as the message's `offlineDraft`, so the chat shows
   * that paragraph as the draft's banner, once — not again as a badge, in the text or in a bullet.
   */
  offlineDraft: boolean;
}

export interface BuildMessageInput {
  build: AgentBuild;
  spec: AgentSpec;
  draftSource: 'llm' | 'template' | null;
  /** Why the model's draft was not used, when it was tried (DraftResult.notes). */
  notes: string[];
  /** The offline model is the provider: no language model is configured. */
  offline: boolean;
}

const who = (spec: AgentSpec) => `**${spec.title}** (\`${spec.name}\`)`;

/** The summary without the offline sentence, which the message's notice says instead. */
function summaryOf(build: AgentBuild, offlineDraft: boolean): string {
  const summary = build.validation?.summary ?? '';
  return offlineDraft
    ? summary
        .replace(OFFLINE_SAMPLES_NOTE, '')
        .replace(/\s{2,}/g, ' ')
        .trim()
    : summary;
}

function offlineNotice(spec: AgentSpec, validated: boolean): string {
  const template = templateById(spec.template).name.toLowerCase();
  return validated
    ? `**Offline draft** — no language model is configured: ${who(spec)} was drafted from the ${template} template and its sample answers are offline drafts, so validation checked that it loads, its files are valid and it answers in its own format — not the quality of real answers.`
    : `**Offline draft** — no language model is configured, so ${who(spec)} was drafted from the ${template} template, not written by a model: review its wording before approving it.`;
}

/**
 * What the chat says as a build moves on: every step of a build is visible in the chat
 * (docs/workforce.md#building-agents). Null: nothing worth a message at this status. A build
 * drafted offline says so once, in the notice its draft and validation messages open with.
 */
export function buildProgressMessage({
  build,
  spec,
  draftSource,
  notes,
  offline,
}: BuildMessageInput): BuildMessage | null {
  const drafted = build.status === 'validating' ? build.draft !== null : build.validation !== null;
  const offlineDraft = offline && draftSource === 'template' && drafted;
  const v = build.validation;
  const lines = (...parts: string[]): string =>
    (offlineDraft ? [offlineNotice(spec, build.status !== 'validating'), '', ...parts] : parts).join('\n').trim();
  const message = (text: string): BuildMessage => ({ text, offlineDraft });
  switch (build.status) {
    case 'validating': {
      const how =
        draftSource === 'llm'
          ? ' with the language model'
          : offlineDraft
            ? ''
            : ` from the ${templateById(spec.template).name.toLowerCase()} template — no language model wrote it, so review the wording`;
      return message(
        lines(
          `Drafted ${who(spec)}${how}: Context.md${build.draft?.moduleSource ? ', index.ts and its input schema' : ''}. Validating it on sample tasks now…`,
          ...notes.map((n) => `- ${n}`),
        ),
      );
    }
    case 'awaiting_approval':
      return message(
        lines(
          `Validation passed for ${who(spec)}. ${summaryOf(build, offlineDraft)}`.trim(),
          '',
          `Approval requested (approval \`${build.approvalId}\`, high risk): approve or reject the deployment here or in the Approvals queue. Nothing joins the org chart before that.`,
        ),
      );
    case 'failed':
      return message(
        lines(
          `The build of ${who(spec)} failed; nothing was deployed and no approval was asked.`,
          '',
          build.error ?? '',
          ...(v && !v.passed ? ['', summaryOf(build, offlineDraft)] : []),
        ),
      );
    case 'rejected':
      return {
        text: `${who(spec)} was not deployed — ${build.error ?? 'the approval was rejected'}. Nothing was written.`,
        offlineDraft: false,
      };
    case 'deployed':
      return {
        text: `${who(spec)} is deployed: it reports to \`${spec.reportsTo}\` in ${spec.departmentLabel} and is in the org chart now, ready for work${build.projectId ? '; the project that needed it continues' : ''}.`,
        offlineDraft: false,
      };
    case 'cancelled':
      return {
        text: `The build of ${who(spec)} was cancelled${build.error ? `: ${build.error}` : ''}.`,
        offlineDraft: false,
      };
    default:
      return null;
  }
}
