import type { AgentBuild } from '@orchestrator/contracts';
import { templateById, type AgentSpec } from '@orchestrator/core';

const who = (spec: AgentSpec) => `**${spec.title}** (\`${spec.name}\`)`;

/**
 * What the chat says as a build moves on: every step of a build is visible in the chat
 * (docs/workforce.md#building-agents). Null: nothing worth a message at this status.
 */
export function buildProgressMessage(
  build: AgentBuild,
  spec: AgentSpec,
  draftSource: 'llm' | 'template' | null,
  notes: string[],
): string | null {
  const v = build.validation;
  switch (build.status) {
    case 'validating': {
      const how =
        draftSource === 'llm'
          ? 'with the language model'
          : `from the ${templateById(spec.template).name.toLowerCase()} template — no language model wrote it, so review the wording`;
      return [
        `Drafted ${who(spec)} ${how}: Context.md${build.draft?.moduleSource ? ', index.ts and its input schema' : ''}. Validating it on sample tasks now…`,
        ...notes.map((n) => `- ${n}`),
      ].join('\n');
    }
    case 'awaiting_approval':
      return [
        `Validation passed for ${who(spec)}. ${v?.summary ?? ''}`.trim(),
        '',
        `Approval requested (approval \`${build.approvalId}\`, high risk): approve or reject the deployment here or in the Approvals queue. Nothing joins the org chart before that.`,
      ].join('\n');
    case 'failed':
      return [
        `The build of ${who(spec)} failed; nothing was deployed and no approval was asked.`,
        '',
        build.error ?? '',
        ...(v && !v.passed ? ['', v.summary] : []),
      ]
        .join('\n')
        .trim();
    case 'rejected':
      return `${who(spec)} was not deployed — ${build.error ?? 'the approval was rejected'}. Nothing was written.`;
    case 'deployed':
      return `${who(spec)} is deployed: it reports to \`${spec.reportsTo}\` in ${spec.departmentLabel} and is in the org chart now, ready for work${build.projectId ? '; the project that needed it continues' : ''}.`;
    case 'cancelled':
      return `The build of ${who(spec)} was cancelled${build.error ? `: ${build.error}` : ''}.`;
    default:
      return null;
  }
}
